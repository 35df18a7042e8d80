// The page of `rwa web`. It reads views from the app's JSON routes, asks the app to check an
// action on the chain before sending it, and signs and sends with ethers: with a development
// key the app hands out on a local chain, or with the browser's injected wallet elsewhere.
// A refusal is always shown as the rule's readable message. It re-reads on every new block.
import * as ethers from "/vendor/ethers.js";

const $ = (id) => document.getElementById(id);
const state = { cfg: null, provider: null, signer: null, wallet: null, page: "offering", block: -1, offering: null };

// ------------------------------------------------------------------ helpers

async function api(path, body) {
  const res = await fetch(path, body === undefined ? {} : {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
  });
  const data = await res.json();
  if (res.status >= 400) throw new Error(data.error || `HTTP ${res.status}`);
  return data;
}

function fmt(units, decimals, places = 2) {
  const text = ethers.formatUnits(BigInt(String(units)), decimals);
  let [whole, frac = ""] = text.split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  whole = whole.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  frac = (frac + "0".repeat(places)).slice(0, places);
  return sign + whole + (places ? "." + frac : "");
}
const money = (u) => `${fmt(u, state.cfg.money.decimals)} ${state.cfg.money.symbol}`;
const tokens = (u) => `${fmt(u, state.cfg.token.decimals, 4)} ${state.cfg.token.symbol}`;
const date = (t) => (Number(t) ? new Date(Number(t) * 1000).toISOString().slice(0, 10) : "none");
const short = (a) => `${a.slice(0, 8)}…${a.slice(-6)}`;
const pct = (x) => `${(100 * Number(x)).toFixed(1)} %`;
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

function rows(table, head, body) {
  $(table).innerHTML =
    (head ? `<tr>${head.map((h) => `<th${h.startsWith("#") ? ' class="num"' : ""}>${esc(h.replace(/^#/, ""))}</th>`).join("")}</tr>` : "") +
    body.map((r) => `<tr>${r.map((c) => (typeof c === "object" && c !== null ? `<td class="${c.cls || ""}">${c.html}</td>` : `<td>${esc(c)}</td>`)).join("")}</tr>`).join("");
}
const num = (text) => ({ cls: "num", html: esc(text) });
const mono = (text) => ({ cls: "mono", html: esc(text) });

function say(text, refused = false) {
  const box = $("message");
  box.hidden = false;
  box.textContent = text;
  box.className = refused ? "refused" : "";
}

function revertData(e) {
  for (const c of [e?.data, e?.info?.error?.data, e?.error?.data, e?.info?.error?.data?.data]) {
    if (typeof c === "string" && c.startsWith("0x") && c.length >= 10) return c;
  }
  return null;
}

async function readable(e) {
  const data = revertData(e);
  if (data) return (await api("/api/explain", { data })).message;
  return e?.shortMessage || e?.message || String(e);
}

async function act(button, job) {
  const b = typeof button === "string" ? $(button) : button;
  if (b) b.disabled = true;
  try {
    await job();
  } catch (e) {
    say(await readable(e), true);
  } finally {
    if (b) b.disabled = false;
    await refresh(true);
  }
}

function contract(key, runner) {
  const c = state.cfg.contracts[key];
  return new ethers.Contract(c.address, c.abi, runner || state.provider);
}

function needWallet() {
  if (!state.signer) throw new Error("pick or connect a wallet first (Investor page)");
  return state.signer;
}

async function sent(tx) {
  const receipt = await tx.wait();
  return receipt;
}

// ------------------------------------------------------------------ pages

async function showOffering() {
  const o = await api("/api/offering");
  state.offering = o;
  $("summary").textContent = o.summary;
  rows("sale-terms", null, [
    ["Price", `${money(o.price)} per token`],
    ["Soft cap / hard cap", `${money(o.soft_cap)} / ${money(o.hard_cap)}`],
    ["Ticket", `${money(o.min_purchase)} to ${money(o.max_purchase)} per investor`],
    ["Window", `${date(o.sale_start)} to ${date(o.sale_end)}`],
    ["Status", o.open ? "open" : o.status],
  ]);
  const share = Number((BigInt(String(o.raised)) * 10000n) / BigInt(String(o.hard_cap))) / 100;
  $("sale-bar").style.width = `${Math.min(share, 100)}%`;
  $("sale-progress").textContent = `${money(o.raised)} raised from ${o.buyers} buyers (${share.toFixed(1)} % of the hard cap; the soft cap is ${money(o.soft_cap)})`;
  const t = o.deal_terms;
  rows("deal-terms", null, [
    ["Holders' share", `${(t.revenue_share_bps / 100).toFixed(2)} % of ${t.pledged.replace("_", " ")}`],
    ["Operating margin (assumed)", `${(t.net_margin_bps / 100).toFixed(2)} %`],
    ["Term", `${t.term_years} years, ${t.periods_per_year} periods a year (maturity ${date(o.maturity)})`],
    ["Periods paid", `${o.periods_distributed} of ${o.periods}`],
    ["Revenue currency", `${t.revenue_currency} (${t.fx_per_unit} per ${state.cfg.money.symbol})`],
    ["Lock-up after purchase", `${t.lockup_days} days`],
    ["Who may hold", `${t.allowed_countries.join(", ")}; blocked: ${t.blocked_countries.join(", ") || "none"}`],
  ]);
  $("tranches-card").hidden = !o.tranches.length;
  rows("tranches", ["Tranche", "Symbol", "#Size", "#Coupon", "Amortisation"], o.tranches.map((x) =>
    [x.name, x.symbol, num(money(x.size)), num(`${(x.coupon_bps / 100).toFixed(2)} %`), x.amortisation]));
  $("documents").innerHTML = o.documents.length
    ? o.documents.map((d) => `<li>${esc(d.name)} ${d.uri ? `<span class="muted">${esc(d.uri)}</span>` : ""} <span class="mono">${esc(d.hash)}</span></li>`).join("")
    : '<li class="muted">No disclosure documents are recorded for this deal yet.</li>';
  $("sources").innerHTML = o.sources.map((s) => `<li>${esc(s)}</li>`).join("");
  $("assumptions").innerHTML = o.assumptions.map((a) =>
    `<h3>${esc(a.stream)} <span class="muted">(${esc(a.kind)})</span></h3><div class="small">${Object.entries(a.figures).map(([k, v]) => `${esc(k)} <strong>${esc(Array.isArray(v) ? v.join(" / ") : v)}</strong>`).join(" · ")}</div>`).join("");
  showBand();
}

let bandShown = false;
async function showBand() {
  if (bandShown) return;
  const band = await api("/api/band");
  bandShown = true;
  rows("band", ["Class", "#Cash back to all holders: P5 / P50 / P95", "#IRR P5 / P50 / P95", "#Chance of a loss", "#Paths"],
    band.map((c) => [c.name,
      num(c.cash_back_p5_p50_p95.map((v) => money(v)).join(" / ") + ` of ${money(c.invested)}`),
      num(c.irr_p5_p50_p95.map(pct).join(" / ")), num(pct(c.probability_of_loss ?? c.p_loss ?? 0)), num(c.paths)]));
}

async function showWhatIf() {
  const amount = ethers.parseUnits($("what-if-amount").value.trim(), state.cfg.money.decimals);
  $("what-if").textContent = "running the paths…";
  try {
    const r = await api(`/api/what-if?amount=${amount}`);
    $("what-if").textContent = r.lines.join("\n");
  } catch (e) {
    $("what-if").textContent = e.message;
  }
}

async function showInvestor() {
  if (state.cfg.local && !$("investor-select").options.length) {
    const list = await api("/api/local/investors");
    $("investor-select").innerHTML = list.map((i) => `<option value="${i.address}">${esc(i.label)} ${short(i.address)}</option>`).join("");
    if (state.wallet) $("investor-select").value = state.wallet;
  }
  if (!state.wallet) {
    rows("position", null, [["No wallet yet", state.cfg.local ? "pick a simulated investor or register a new one" : "connect a browser wallet"]]);
    $("claimable-big").textContent = "–";
  } else {
    const w = await api(`/api/wallet/${state.wallet}`);
    const kyc = !w.registered ? "not registered" : Number(w.kyc_expiry) > Number(w.now) ? `valid until ${date(w.kyc_expiry)}` : `expired on ${date(w.kyc_expiry)}`;
    const lock = Number(w.lockup_end) > Number(w.now) ? `until ${date(w.lockup_end)}` : Number(w.lockup_end) ? `ended ${date(w.lockup_end)}` : "none";
    rows("position", null, [
      ["Address", mono(w.address)],
      ["KYC", kyc],
      ["Token balance", { cls: "", html: `<span id="token-balance">${esc(tokens(w.balance))}</span>` }],
      ["Stablecoin balance", { cls: "", html: `<span id="cash-balance">${esc(money(w.cash))}</span>` }],
      ["Paid in the sale", money(w.paid_in_sale)],
      ["Lock-up", lock],
      ["Claimable revenue", { cls: "", html: `<span id="claimable">${esc(money(w.claimable))}</span>` }],
      ["Frozen", w.wallet_frozen ? "yes: the issuer's agent froze this wallet" : "no"],
    ]);
    $("claimable-big").textContent = money(w.claimable);
    state.position = w;
  }
  const offers = await api("/api/offers");
  rows("offers", ["#Offer", "Seller", "#Tokens", "#Price", "Expires", ""], offers.map((o) => [
    num(o.id), mono(o.seller), num(tokens(o.amount)), num(money(o.price)), date(o.expiry),
    { cls: "", html: `<button class="take" data-offer="${o.id}">Take</button>` }]));
  document.querySelectorAll("button.take").forEach((b) => b.addEventListener("click", () => take(b)));
}

function chart(periods) {
  if (!periods.length) return '<p class="muted">No period has been distributed yet.</p>';
  const W = 900, H = 200, pad = 30;
  const max = periods.reduce((m, p) => (BigInt(String(p.amount)) > m ? BigInt(String(p.amount)) : m), 1n);
  const bw = (W - pad) / periods.length;
  const bars = periods.map((p, i) => {
    const h = Number((BigInt(String(p.amount)) * 1000n) / max) / 1000 * (H - 30);
    const x = pad + i * bw;
    return `<rect x="${x + 1}" y="${H - 15 - h}" width="${Math.max(bw - 2, 1)}" height="${h}" fill="#1f6feb"><title>period ${p.period}: ${money(p.amount)}</title></rect>` +
      (periods.length <= 24 || p.period % 12 === 0 ? `<text x="${x + bw / 2}" y="${H - 2}" text-anchor="middle">${p.period}</text>` : "");
  }).join("");
  return `<svg viewBox="0 0 ${W} ${H}" width="100%" height="${H}"><text x="0" y="10">${esc(money(max))}</text>${bars}</svg>`;
}

async function showRevenue() {
  const r = await api("/api/revenue");
  $("chart").innerHTML = chart(r.periods);
  rows("periods", ["#Period", "#Paid to holders", "Report hash", "Source of funds"], r.periods.map((p) => [
    num(p.period), num(money(p.amount)), mono(p.report_hash), mono(`${p.paid_in_by}${p.servicer ? " (the servicer)" : ""}`)]));
  if (!state.wallet) {
    rows("payouts", null, [["Pick a wallet on the Investor page to see its payouts."]]);
    return;
  }
  const w = await api(`/api/wallet/${state.wallet}`);
  rows("payouts", ["#Block", "#Paid", "Transaction"], w.payouts.length
    ? w.payouts.map((p) => [num(p.block), num(money(p.amount)), mono(p.tx)])
    : [["", "", "no payout yet"]]);
}

async function showHolders() {
  const list = await api("/api/holders");
  const held = list.reduce((t, h) => t + BigInt(String(h.balance)), 0n);
  const owed = list.reduce((t, h) => t + BigInt(String(h.claimable)), 0n);
  $("holders-summary").textContent = `${list.length} holders hold ${tokens(held)}; ${money(owed)} of revenue is claimable in total.`;
  rows("holders", ["#", "Holder", "#Balance", "#Claimable", "Frozen"], list.map((h, i) => [
    num(i + 1), mono(h.address + (state.wallet && h.address.toLowerCase() === state.wallet.toLowerCase() ? "  (you)" : "")),
    num(tokens(h.balance)), num(money(h.claimable)), h.frozen ? "frozen" : ""]));
}

let lastNext = null;
async function showOperator() {
  const n = await api("/api/local/next-period");
  $("next-period").textContent = n.period;
  $("model-amount").textContent = `The revenue model pays holders ${money(n.model_amount)} in period ${n.period} on the simulated path.`;
  if (lastNext !== n.period) {
    $("distribute-amount").value = Number(n.model_amount) ? ethers.formatUnits(BigInt(String(n.model_amount)), state.cfg.money.decimals) : "";
    lastNext = n.period;
  }
}

const PAGES = { offering: showOffering, investor: showInvestor, revenue: showRevenue, holders: showHolders, operator: showOperator };

let refreshing = false;
let pending = false;
async function refresh(force = false) {
  if (refreshing && !force) {
    pending = true; // a block arrived mid-read: read again once this read is done
    return;
  }
  refreshing = true;
  try {
    await PAGES[state.page]();
    document.body.dataset.block = String(state.block);
  } catch (e) {
    say(e.message, true);
  } finally {
    refreshing = false;
    if (pending) {
      pending = false;
      refresh();
    }
  }
}

function go(page) {
  state.page = page;
  document.querySelectorAll("nav button").forEach((b) => b.classList.toggle("active", b.dataset.page === page));
  document.querySelectorAll(".page").forEach((s) => (s.hidden = s.id !== `page-${page}`));
  refresh(true);
}

// ------------------------------------------------------------------ actions

async function useInvestor(address) {
  const { key } = await api(`/api/local/key/${address}`);
  state.signer = new ethers.Wallet(key, state.provider);
  state.wallet = state.signer.address;
  localStorage.setItem(`rwa-web-wallet:${state.cfg.deal}`, state.wallet);
}

async function buy() {
  const signer = needWallet();
  const amount = ethers.parseUnits($("buy-amount").value.trim(), state.cfg.money.decimals);
  const verdict = await api("/api/check/buy", { wallet: state.wallet, amount: amount.toString() });
  if (!verdict.allowed) return say(verdict.message, true);
  await sent(await contract("stablecoin", signer).approve(state.cfg.contracts.offering.address, amount));
  await sent(await contract("offering", signer).buy(amount));
  say(`Bought ${tokens(verdict.tokens)} for ${money(amount)}.`);
}

async function claim() {
  const signer = needWallet();
  const owed = state.position ? state.position.claimable : 0;
  await sent(await contract("token", signer).claim());
  say(`Claimed ${money(owed)}: it is in your stablecoin balance.`);
}

async function transfer() {
  const signer = needWallet();
  const to = $("transfer-to").value.trim();
  const amount = ethers.parseUnits($("transfer-amount").value.trim(), state.cfg.token.decimals);
  const verdict = await api("/api/check/transfer", { from: state.wallet, to, amount: amount.toString() });
  if (!verdict.allowed) return say(verdict.message, true);
  await sent(await contract("token", signer).transfer(to, amount));
  say(`Sent ${tokens(amount)} to ${to}.`);
}

async function offer() {
  const signer = needWallet();
  const amount = ethers.parseUnits($("offer-amount").value.trim(), state.cfg.token.decimals);
  const price = ethers.parseUnits($("offer-price").value.trim(), state.cfg.money.decimals);
  const now = (await state.provider.getBlock("latest")).timestamp;
  await sent(await contract("token", signer).approve(state.cfg.contracts.market.address, amount));
  await sent(await contract("market", signer).offer(amount, price, now + 30 * 86400));
  say(`Offered ${tokens(amount)} for ${money(price)} on the market (open 30 days).`);
}

async function take(button) {
  await act(button, async () => {
    const signer = needWallet();
    const id = Number(button.dataset.offer);
    const verdict = await api("/api/check/take", { offer: id, wallet: state.wallet });
    if (!verdict.allowed) return say(verdict.message, true);
    const o = await contract("market").offerOf(id);
    await sent(await contract("stablecoin", signer).approve(state.cfg.contracts.market.address, o.price));
    await sent(await contract("market", signer).take(id));
    say(`Took offer ${id}: ${tokens(o.amount)} for ${money(o.price)}, both legs settled.`);
  });
}

function wire() {
  document.querySelectorAll("nav button").forEach((b) => b.addEventListener("click", () => go(b.dataset.page)));
  $("what-if-form").addEventListener("submit", (e) => { e.preventDefault(); showWhatIf(); });
  $("use-investor").addEventListener("click", () => act("use-investor", async () => {
    await useInvestor($("investor-select").value);
    say(`Using ${$("investor-select").selectedOptions[0].textContent}.`);
  }));
  $("create-form").addEventListener("submit", (e) => { e.preventDefault(); act("create-investor", async () => {
    const made = await api("/api/local/investors", { country: $("create-country").value, class: $("create-class").value });
    $("investor-select").innerHTML = "";
    await useInvestor(made.address);
    say(`Registered ${made.label} ${made.address}: KYC done by the local agent, gas coin and play money given.`);
  }); });
  $("connect").addEventListener("click", () => act("connect", async () => {
    if (!window.ethereum) throw new Error("no browser wallet found (install one, or use a local chain)");
    const bp = new ethers.BrowserProvider(window.ethereum);
    await bp.send("eth_requestAccounts", []);
    state.signer = await bp.getSigner();
    state.wallet = await state.signer.getAddress();
  }));
  $("buy-form").addEventListener("submit", (e) => { e.preventDefault(); act("buy", buy); });
  $("claim").addEventListener("click", () => act("claim", claim));
  $("transfer-form").addEventListener("submit", (e) => { e.preventDefault(); act("transfer", transfer); });
  $("offer-form").addEventListener("submit", (e) => { e.preventDefault(); act("offer", offer); });
  $("close-sale").addEventListener("click", () => act("close-sale", async () => {
    await api("/api/local/close-sale", {});
    say("The sale is closed.");
  }));
  $("distribute-form").addEventListener("submit", (e) => { e.preventDefault(); act("distribute", async () => {
    const amount = ethers.parseUnits($("distribute-amount").value.trim() || "0", state.cfg.money.decimals);
    const r = await api("/api/local/distribute", { amount: amount.toString() });
    say(`Period ${r.period}: ${money(amount)} distributed to holders.`);
  }); });
  for (const [id, frozen] of [["freeze", true], ["release", false]]) {
    $(id).addEventListener("click", (e) => { e.preventDefault(); act(id, async () => {
      const wallet = $("freeze-wallet").value.trim();
      await api("/api/local/freeze", { wallet, frozen });
      say(`${wallet} is ${frozen ? "frozen" : "released"}.`);
    }); });
  }
}

async function watch() {
  try {
    const n = await state.provider.getBlockNumber();
    if (n !== state.block) {
      state.block = n;
      await refresh();
    }
  } catch (e) {
    /* the node is busy or restarting: try again at the next tick */
  }
}

async function main() {
  state.cfg = await api("/api/config");
  const net = ethers.Network.from(state.cfg.chain_id);
  state.provider = new ethers.JsonRpcProvider(`${location.origin}/rpc`, net, { staticNetwork: net, batchMaxCount: 1, pollingInterval: 250, cacheTimeout: -1 });
  state.provider.pollingInterval = 250;
  $("deal-name").textContent = state.cfg.name;
  $("chain-line").textContent = `${state.cfg.network} (chain ${state.cfg.chain_id})${state.cfg.local ? " · local chain: the page signs with development keys" : ""} · token ${state.cfg.contracts.token.address}`;
  document.querySelectorAll(".money-symbol").forEach((s) => (s.textContent = state.cfg.money.symbol));
  document.querySelectorAll(".token-symbol").forEach((s) => (s.textContent = state.cfg.token.symbol));
  $("nav-operator").hidden = !state.cfg.local;
  $("local-picker").hidden = !state.cfg.local;
  $("injected").hidden = state.cfg.local;
  $("create-country").innerHTML = ["HK", "SG", "DE", "FR", "US", "CN"].map((c) => `<option>${c}</option>`).join("");
  wire();
  const saved = localStorage.getItem(`rwa-web-wallet:${state.cfg.deal}`);
  if (state.cfg.local && saved) {
    try { await useInvestor(saved); } catch (e) { localStorage.removeItem(`rwa-web-wallet:${state.cfg.deal}`); }
  }
  await refresh(true);
  document.body.dataset.ready = "1";
  setInterval(watch, 1000);
}

main().catch((e) => say(e.message, true));
