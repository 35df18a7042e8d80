// A deal's life through ethers v6, from the files `rwa export` wrote: the buyers pass KYC, buy
// in the primary sale, the sale closes, the servicer distributes a period, a buyer claims, and a
// transfer to a wallet without KYC is refused with the project's custom error, decoded by name.
// Works on Anvil, Ganache 7 and a Hardhat 2 node (all three take evm_increaseTime).
//
//   node tests/tools/flow.mjs <export dir> <rpc url> <network key> <deal> "<mnemonic>"
// Prints one JSON object with what happened.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ethers } from "ethers";

const [dir, url, network, deal, mnemonic] = process.argv.slice(2);
let step = "start";
const mark = (name) => { step = name; };
setTimeout(() => { console.error(`flow: no answer for 90 s at step ${step}`); process.exit(2); }, 90_000).unref();
const book = JSON.parse(readFileSync(join(dir, "addresses", `${network}.json`), "utf8"));
const abi = (name) => JSON.parse(readFileSync(join(dir, "abi", `${name}.json`), "utf8"));
const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, batchMaxCount: 1 });
provider.pollingInterval = 50;
// ethers caches identical reads for a moment, so a fresh nonce can be a stale one on a chain that
// mines at once: each signer counts its own nonces.
const managed = (signer) => new ethers.NonceManager(signer);
const wallet = (i) =>
  managed(ethers.HDNodeWallet.fromPhrase(mnemonic, undefined, `m/44'/60'/0'/0/${i}`).connect(provider));
const [admin, agent, servicer] = [wallet(0), wallet(1), wallet(2)];
const contracts = book.deals[deal].contracts;
const at = (key, signer) => new ethers.Contract(contracts[key].address, abi(contracts[key].contract), signer);

// Ganache nests the revert data in an object; ethers' own errors carry it in e.data.
function revertData(error) {
  const seen = new Set();
  const walk = (value) => {
    if (typeof value === "string" && /^0x[0-9a-fA-F]{8,}$/.test(value)) return value;
    if (value && typeof value === "object" && !seen.has(value)) {
      seen.add(value);
      for (const key of ["data", "error", "info", "result", "revert", "payload"]) {
        const found = key in value ? walk(value[key]) : null;
        if (found) return found;
      }
    }
    return null;
  };
  return walk(error);
}

// tx.wait() checks for the receipt once, then waits for the next block: on a chain that mines
// a block per transaction (automine) a transaction mined just after that check leaves it
// waiting for a block that never comes. So the receipt is polled for.
async function mined(tx) {
  for (;;) {
    const receipt = await provider.getTransactionReceipt(tx.hash);
    if (receipt) return receipt;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function send(promise) {
  const tx = await promise;
  const receipt = await mined(tx);
  if (receipt.status !== 1) throw new Error(`transaction ${tx.hash} failed`);
  return receipt;
}

async function travel(seconds) {
  await provider.send("evm_increaseTime", [ethers.toQuantity(seconds)]);
  await provider.send("evm_mine", []);
}

const token = at("token", admin);
const offering = at("offering", admin);
const registry = at("registry", agent);
const usd = at("stablecoin", admin);
const terms = await offering.terms();
const [price, softCap, maxPurchase] = [terms.price ?? terms[0], terms.softCap ?? terms[3], terms.maxPurchase ?? terms[6]];
const buyers = Number((softCap + maxPurchase - 1n) / maxPurchase);
const schedule = book.deals[deal].schedule;
const now = async () => (await provider.getBlock("latest")).timestamp;
const kycExpiry = BigInt(schedule.maturity) + 86400n;

mark("fund buyers");
// Fresh buyer wallets (dev accounts stay for the roles), funded with gas and stablecoins.
const keys = Array.from({ length: buyers }, (_, i) => ethers.keccak256(ethers.toUtf8Bytes(`rwa-ethers-buyer:${i}`)));
const investors = keys.map((key) => managed(new ethers.Wallet(key, provider)));
const sent = [];
for (const buyer of investors) {
  const address = await buyer.getAddress();
  sent.push(await admin.sendTransaction({ to: address, value: ethers.parseEther("1") }));
  sent.push(await usd.mint(address, maxPurchase));
  sent.push(await registry.registerInvestor(address, 344, 2, kycExpiry));
}
await Promise.all(sent.map(mined));

mark("buy");
await travel(Math.max(0, schedule.sale_start - (await now())) + 1);
for (const buyer of investors) {
  await send(usd.connect(buyer).approve(contracts.offering.address, maxPurchase));
  await send(offering.connect(buyer).buy(maxPurchase));
}
const raised = await offering.raised();
await travel(Math.max(0, schedule.sale_end - (await now())) + 1);
await send(offering.finalize());
const status = Number(await offering.status());

mark("distribute");
// One period of revenue: the servicer pays it in, every holder can claim its share.
const revenue = 250_000n * 10n ** 6n;
await send(usd.mint(await servicer.getAddress(), revenue));
await send(usd.connect(servicer).approve(contracts.token.address, revenue));
await send(token.connect(servicer).distribute(1n, revenue, ethers.id("period 1 report")));
const holder = investors[0];
const holderAddress = await holder.getAddress();
const claimable = await token.claimable(holderAddress);
const before = await usd.balanceOf(holderAddress);
await send(token.connect(holder).claim());
const claimed = (await usd.balanceOf(holderAddress)) - before;

mark("refused transfer");
// After the lock-up, a transfer to a wallet without KYC: refused, and decoded by name.
await travel(200 * 86400);
const stranger = ethers.Wallet.createRandom().address;
let refusal = null;
try {
  await token.connect(holder).transfer.staticCall(stranger, 10n ** 18n);
} catch (error) {
  const data = revertData(error);
  const parsed = data ? token.interface.parseError(data) : null;
  refusal = parsed ? { name: parsed.name, args: parsed.args.map(String), data } : { raw: String(error) };
}
console.log(JSON.stringify({
  buyers, price: String(price), raised: String(raised), status, revenue: String(revenue),
  claimable: String(claimable), claimed: String(claimed), holder: holderAddress,
  holderKey: keys[0], balance: String(await token.balanceOf(holderAddress)),
  stranger, refusal,
}));
