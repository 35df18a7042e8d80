// Hardhat 2, only for `node_modules/.bin/hardhat node` (a local chain the toolkit deploys to with
// `--network hardhat`); the contracts are built by the toolkit, not by Hardhat.
module.exports = {
  solidity: "0.8.30",
  paths: { sources: "./contracts", cache: "./build/hardhat/cache", artifacts: "./build/hardhat/artifacts" },
  networks: { hardhat: { chainId: 31337, hardfork: "shanghai" } },
};
