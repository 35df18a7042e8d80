// A deployed deal through viem 2, typed by the TypeScript `as const` modules `rwa export` wrote:
// reads, a claim, and a transfer to a wallet without KYC refused with the project's custom
// error, decoded by name. The test copies the export's ts/ folder next to this file, compiles
// both with tsc --strict (so viem's types are checked against the exported ABIs), then runs it:
//
//   node viem_flow.js <rpc url> <network key> <deal> <buyer private key> <stranger address>
// Prints one JSON object with what happened.
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type Address,
  type Hex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { addresses } from "./ts/addresses.js";
import { MockStablecoinAbi } from "./ts/MockStablecoin.js";
import { RevenueShareTokenAbi } from "./ts/RevenueShareToken.js";

const [url, network, deal, buyerKey, stranger] = process.argv.slice(2) as [
  string,
  keyof typeof addresses,
  string,
  Hex,
  Address,
];
setTimeout(() => {
  console.error("viem_flow: no answer for 60 s");
  process.exit(2);
}, 60_000).unref();

const book = addresses[network];
type Contracts = Record<string, { address: Address }>;
const contracts = (book.deals as Record<string, { contracts: Contracts }>)[deal].contracts;
const token = { address: contracts.token.address, abi: RevenueShareTokenAbi } as const;
const usd = { address: contracts.stablecoin.address, abi: MockStablecoinAbi } as const;

const chain = defineChain({
  id: book.chainId,
  name: network,
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: [url] } },
});
const publicClient = createPublicClient({ chain, transport: http(url), pollingInterval: 50 });
const account = privateKeyToAccount(buyerKey);
const wallet = createWalletClient({ account, chain, transport: http(url) });

// Reads: the token's symbol, the buyer's balance and what it may claim.
const symbol = await publicClient.readContract({ ...token, functionName: "symbol" });
const balance = await publicClient.readContract({
  ...token,
  functionName: "balanceOf",
  args: [account.address],
});
const claimable = await publicClient.readContract({
  ...token,
  functionName: "claimable",
  args: [account.address],
});

// A claim, simulated first (as viem advises), then sent and awaited.
const cashBefore = await publicClient.readContract({
  ...usd,
  functionName: "balanceOf",
  args: [account.address],
});
const { request } = await publicClient.simulateContract({
  ...token,
  account,
  functionName: "claim",
});
const hash = await wallet.writeContract(request);
const receipt = await publicClient.waitForTransactionReceipt({ hash });
const cashAfter = await publicClient.readContract({
  ...usd,
  functionName: "balanceOf",
  args: [account.address],
});

// A transfer to a wallet without KYC: viem decodes the revert with the ABI's custom errors.
let refusal: { name: string; args: string[] } | { raw: string } | null = null;
try {
  await publicClient.simulateContract({
    ...token,
    account,
    functionName: "transfer",
    args: [stranger, 1n],
  });
} catch (error) {
  const reverted =
    error instanceof BaseError
      ? error.walk((e) => e instanceof ContractFunctionRevertedError)
      : null;
  if (reverted instanceof ContractFunctionRevertedError && reverted.data) {
    refusal = {
      name: reverted.data.errorName,
      args: (reverted.data.args ?? []).map((a) => String(a)),
    };
  } else {
    refusal = { raw: String(error) };
  }
}

console.log(
  JSON.stringify({
    symbol,
    balance: String(balance),
    claimable: String(claimable),
    claimed: String(cashAfter - cashBefore),
    status: receipt.status,
    refusal,
  }),
);
