// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IRevenueDistribution} from "../interfaces/IRevenueDistribution.sol";
import {ServicerRole} from "../common/Shared.sol";

/**
 * @title Waterfall
 * @notice Pays a structured deal's collections each period in the deal's order: fees, each
 * rated tranche's interest then principal (the reserve account is filled after the most senior
 * tranche), guarantor repayments, then the residual (junior) tranche. A shortfall of the most
 * senior tranche is met from the reserve, then from the guarantors covering the tranche (each
 * an address that pre-approved this contract, drawn within a per-period and a total limit).
 * DSCR triggers switch to cash trapping (the residual is kept in the reserve) or accelerated
 * senior amortisation, and cure. Every amount moved is a {Paid} event naming its source.
 * @dev The exact integer mirror is `tokenizer/finance/waterfall.py` (its docstring states the
 * rules; this contract and the mirror agree to the unit, tested with random paths). Each
 * tranche is paid through its token's O(1) distribution (this contract holds the tokens'
 * SERVICER_ROLE), so a period's gas does not grow with holders. Terms are set by the admin
 * before the first period and locked from then on. CEI: a period's books are written first,
 * then the money moves (collections and guarantor draws in, fees, repayments and tranche
 * distributions out), all in the settlement token fixed at construction. The admin role is
 * handed over in two steps with {ADMIN_DELAY} ({AccessControlDefaultAdminRules}), as on every
 * other contract of a deal.
 */
contract Waterfall is AccessControlDefaultAdminRules, ReentrancyGuard, ServicerRole {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;
    /// @notice The delay of a default-admin handover (the toolkit's `ADMIN_DELAY_SECONDS`).
    uint48 public constant ADMIN_DELAY = 3 days;
    /// @notice Amortisation kinds.
    uint8 public constant BULLET = 0;
    uint8 public constant STRAIGHT_LINE = 1;
    uint8 public constant SCHEDULE = 2;
    /// @notice Trigger actions.
    uint8 public constant TRAP_CASH = 0;
    uint8 public constant ACCELERATE_SENIOR = 1;
    /// @notice Steps of {Paid}.
    uint8 public constant STEP_FEE = 0;
    uint8 public constant STEP_INTEREST = 1;
    uint8 public constant STEP_PRINCIPAL = 2;
    uint8 public constant STEP_RESERVE_FILL = 3;
    uint8 public constant STEP_GUARANTOR_REPAYMENT = 4;
    uint8 public constant STEP_RESIDUAL = 5;
    uint8 public constant STEP_TRAP = 6;
    /// @notice Sources of {Paid}.
    uint8 public constant SOURCE_COLLECTIONS = 0;
    uint8 public constant SOURCE_RESERVE = 1;
    uint8 public constant SOURCE_GUARANTOR = 2;

    /// @notice A rated tranche's terms (slot 1) and its principal (slot 2), fixed at construction.
    struct Tranche {
        IRevenueDistribution token;
        uint16 couponBps;
        uint8 kind;
        bool accrues;
        uint128 principal;
    }

    /// @dev What a period reads of a rated tranche, one slot: the outstanding and (a copy of)
    /// the original principal. Unpaid interest lives in its own slot, read only while owed.
    struct TrancheState {
        uint128 outstanding;
        uint128 principal;
    }

    /// @notice A fee: bps a year of the senior outstanding, or a fixed due per period.
    struct Fee {
        address recipient;
        uint16 bpsPerYear;
        uint128 fixedPerPeriod;
        uint128 owed;
    }

    /// @notice A guarantee facility and what has been drawn on it.
    struct Guarantor {
        address account;
        uint8 covers;
        bool repaid;
        uint128 perPeriodLimit;
        uint128 totalLimit;
        uint128 drawn;
        uint128 owed;
    }

    /// @notice A DSCR trigger and its state, one slot.
    struct Trigger {
        uint32 belowBps;
        uint16 periods;
        uint16 curePeriods;
        uint8 action;
        uint16 belowCount;
        uint16 aboveCount;
        bool on;
    }

    /// @dev Everything a period reads and writes of the deal as a whole, one slot: the last
    /// period paid, the reserve's target bps and balance, how many of each term there are, and
    /// one bit per rated tranche (bits 0-7), fee (8-15) and guarantor (16-23) that something is
    /// owed to it, so that a period reads an amount owed only when there is one.
    struct Header {
        uint16 period;
        uint16 reserveTargetBps;
        uint8 rated;
        uint8 fees;
        uint8 guarantors;
        uint8 triggers;
        uint32 owed;
        uint128 reserve;
    }

    /// @dev The period's funds: collections first, then released reserve.
    struct Funds {
        uint256 c;
        uint256 r;
        uint256 reserve; // the reserve account's balance
        uint256 owed; // the header's owed bits, updated as the period runs
    }

    /// @dev A period's amounts out of and into this contract, written before the money moves.
    struct Books {
        uint256[] paid; // per tranche, the junior last
        uint256[] draws; // per guarantor
        uint256[] repays; // per guarantor
        uint256[] fees; // per fee
    }

    /// @notice The most rated tranches, fees and guarantors a deal can have (one owed bit each).
    uint256 public constant MAX_TERMS = 8;
    uint256 private constant FEE_BIT = 8;
    uint256 private constant GUARANTOR_BIT = 16;

    IERC20 private immutable _settlement;
    IRevenueDistribution private immutable _junior;
    uint16 private immutable _periods;
    uint16 private immutable _periodsPerYear;

    Header private _h;
    uint128 private _reserveTarget;

    mapping(uint256 tranche => Tranche) private _tranches;
    mapping(uint256 tranche => TrancheState) private _state;
    mapping(uint256 tranche => uint256) private _interestOwed;
    mapping(uint256 tranche => uint16[]) private _cumBps;
    mapping(uint256 fee => Fee) private _fees;
    mapping(uint256 guarantor => Guarantor) private _guarantors;
    mapping(uint256 trigger => Trigger) private _triggers;

    /// @notice A period's collections were deposited with the servicer's report hash.
    event CollectionsDeposited(uint256 indexed periodId, uint256 collections, bytes32 reportHash, uint256 debtService);
    /// @notice `amount` moved at `step` to `to` (fee, tranche or guarantor index; 0 for the
    /// reserve), paid from `source` (for a guarantor, `guarantor` says which).
    event Paid(
        uint256 indexed periodId, uint8 indexed step, uint256 to, uint8 source, uint256 guarantor, uint256 amount
    );
    /// @notice Interest of tranche `tranche` not paid this period; `accrued`: owed later.
    event InterestShortfall(uint256 indexed periodId, uint256 indexed tranche, uint256 amount, bool accrued);
    /// @notice Reserve above its target went back into the period's funds.
    event ReserveReleased(uint256 indexed periodId, uint256 amount);
    /// @notice A trigger switched on or off; `dscrBps` is the period's DSCR (max if no debt service).
    event TriggerSwitched(uint256 indexed periodId, uint256 indexed trigger, bool on, uint256 dscrBps);
    /// @notice A term was set before the first period (`what`: fee, guarantor, trigger, ...).
    event TermsSet(bytes32 indexed what, uint256 index);
    /// @notice The reserve was funded before the first period.
    event ReserveFunded(address indexed from, uint256 amount);

    /// @dev The period is not the next one.
    error WaterfallPeriodOutOfSequence(uint256 expected, uint256 given);
    /// @dev Every period of the term has been paid.
    error WaterfallTermEnded(uint256 periods);
    /// @dev Terms can change only before the first period.
    error WaterfallTermsLocked(uint256 period);
    /// @dev A term is out of range (`what` names it, `value` is what was given).
    error InvalidWaterfallTerm(bytes32 what, uint256 value);
    /// @dev The first period cannot be paid until every tranche is placed in full: tranche
    /// `tranche` (the junior is the last) has `placed` of its `size` tokens in investors' hands.
    error WaterfallStructureNotPlaced(uint256 tranche, uint256 placed, uint256 size);

    /**
     * @param admin Receives DEFAULT_ADMIN_ROLE (sets the terms, grants SERVICER_ROLE); not zero.
     * @param settlement The stablecoin collections are deposited and paid in.
     * @param periods_ Periods in the term (the last is the legal final).
     * @param periodsPerYear_ Periods a year (coupons and fees a year are divided by it).
     * @param tokens The rated tranches' tokens, most senior first, then the junior's.
     * @param principals The rated tranches' principal, settlement smallest units.
     * @param couponBps The rated tranches' coupon a year, bps.
     * @param kinds The rated tranches' amortisation ({BULLET}, {STRAIGHT_LINE}, {SCHEDULE}).
     * @param accrues Whether each rated tranche's unpaid interest is owed later.
     */
    constructor(
        address admin,
        IERC20 settlement,
        uint16 periods_,
        uint16 periodsPerYear_,
        IRevenueDistribution[] memory tokens,
        uint128[] memory principals,
        uint16[] memory couponBps,
        uint8[] memory kinds,
        bool[] memory accrues
    ) AccessControlDefaultAdminRules(ADMIN_DELAY, admin) {
        uint256 k = principals.length;
        if (address(settlement) == address(0)) revert InvalidWaterfallTerm("settlement", 0);
        if (periods_ == 0) revert InvalidWaterfallTerm("periods", periods_);
        if (periodsPerYear_ == 0) revert InvalidWaterfallTerm("periodsPerYear", periodsPerYear_);
        if (k == 0 || k > MAX_TERMS) revert InvalidWaterfallTerm("tranches", k);
        if (tokens.length != k + 1) revert InvalidWaterfallTerm("tokens", tokens.length);
        if (couponBps.length != k || kinds.length != k || accrues.length != k) {
            revert InvalidWaterfallTerm("tranches", k);
        }
        _settlement = settlement;
        _periods = periods_;
        _periodsPerYear = periodsPerYear_;
        _junior = tokens[k];
        for (uint256 i = 0; i <= k; ++i) {
            if (address(tokens[i]) == address(0)) revert InvalidWaterfallTerm("token", i);
            settlement.forceApprove(address(tokens[i]), type(uint256).max);
            if (i == k) break;
            if (kinds[i] > SCHEDULE) revert InvalidWaterfallTerm("kind", kinds[i]);
            if (couponBps[i] > BPS) revert InvalidWaterfallTerm("couponBps", couponBps[i]);
            _tranches[i] = Tranche(tokens[i], couponBps[i], kinds[i], accrues[i], principals[i]);
            _state[i] = TrancheState(principals[i], principals[i]);
        }
        _h.rated = uint8(k);
    }

    modifier beforeFirstPeriod() {
        if (_h.period != 0) revert WaterfallTermsLocked(_h.period);
        _;
    }

    /**
     * @notice Sets tranche `tranche`'s table: bps of its principal repaid by the end of each
     * period, cumulative (the last is 10000).
     * @dev Admin only, before the first period. Emits {TermsSet}.
     */
    function setSchedule(uint256 index, uint16[] calldata cumulativeBps)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        beforeFirstPeriod
    {
        if (index >= _h.rated || _tranches[index].kind != SCHEDULE) {
            revert InvalidWaterfallTerm("schedule", index);
        }
        uint256 n = cumulativeBps.length;
        if (n == 0 || n > _periods || cumulativeBps[n - 1] != BPS) revert InvalidWaterfallTerm("schedule", n);
        _cumBps[index] = cumulativeBps;
        emit TermsSet("schedule", index);
    }

    /**
     * @notice Adds a fee, paid to `recipient` first each period, in the order added.
     * @dev Admin only, before the first period; at most {MAX_TERMS}. Exactly one of
     * `bpsPerYear` (of the senior outstanding) and `fixedPerPeriod` is non-zero. Emits {TermsSet}.
     */
    function addFee(address recipient, uint16 bpsPerYear, uint128 fixedPerPeriod)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        beforeFirstPeriod
    {
        if (recipient == address(0)) revert InvalidWaterfallTerm("feeRecipient", 0);
        if ((bpsPerYear == 0) == (fixedPerPeriod == 0) || bpsPerYear > BPS) {
            revert InvalidWaterfallTerm("fee", bpsPerYear);
        }
        uint256 n = _h.fees;
        if (n == MAX_TERMS) revert InvalidWaterfallTerm("fees", n + 1);
        _fees[n] = Fee(recipient, bpsPerYear, fixedPerPeriod, 0);
        _h.fees = uint8(n + 1);
        emit TermsSet("fee", n);
    }

    /**
     * @notice Adds a guarantor of tranche `covers`, drawn in the order added. The guarantor
     * approves this contract for `totalLimit` of the settlement token.
     * @dev Admin only, before the first period; at most {MAX_TERMS}. Emits {TermsSet}.
     */
    function addGuarantor(address account, uint8 covers, uint128 perPeriodLimit, uint128 totalLimit, bool repaid)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        beforeFirstPeriod
    {
        if (account == address(0)) revert InvalidWaterfallTerm("guarantor", 0);
        if (covers >= _h.rated) revert InvalidWaterfallTerm("covers", covers);
        if (perPeriodLimit == 0 || perPeriodLimit > totalLimit) revert InvalidWaterfallTerm("limit", perPeriodLimit);
        uint256 n = _h.guarantors;
        if (n == MAX_TERMS) revert InvalidWaterfallTerm("guarantors", n + 1);
        _guarantors[n] = Guarantor(account, covers, repaid, perPeriodLimit, totalLimit, 0, 0);
        _h.guarantors = uint8(n + 1);
        emit TermsSet("guarantor", n);
    }

    /**
     * @notice Adds a DSCR trigger: on after `periodsBelow` consecutive periods with collections
     * below `belowBps` of senior debt service, off after `curePeriods` at or above.
     * @dev Admin only, before the first period; at most 255. Emits {TermsSet}.
     */
    function addTrigger(uint32 belowBps, uint16 periodsBelow, uint16 curePeriods, uint8 action)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        beforeFirstPeriod
    {
        if (belowBps == 0 || periodsBelow == 0 || curePeriods == 0) revert InvalidWaterfallTerm("trigger", belowBps);
        if (action > ACCELERATE_SENIOR) revert InvalidWaterfallTerm("action", action);
        uint256 n = _h.triggers;
        if (n == type(uint8).max) revert InvalidWaterfallTerm("triggers", n + 1);
        _triggers[n] = Trigger(belowBps, periodsBelow, curePeriods, action, 0, 0, false);
        _h.triggers = uint8(n + 1);
        emit TermsSet("trigger", n);
    }

    /**
     * @notice Sets the reserve target: `targetBps` of the senior outstanding, or `target`.
     * @dev Admin only, before the first period. Emits {TermsSet}.
     */
    function setReserveTarget(uint16 targetBps, uint128 target)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
        beforeFirstPeriod
    {
        if ((targetBps != 0 && target != 0) || targetBps > BPS) revert InvalidWaterfallTerm("reserve", targetBps);
        _h.reserveTargetBps = targetBps;
        _reserveTarget = target;
        emit TermsSet("reserve", 0);
    }

    /**
     * @notice Funds the reserve's opening balance from the caller.
     * @dev Admin only, before the first period. Emits {ReserveFunded}.
     */
    function fundReserve(uint128 amount) external onlyRole(DEFAULT_ADMIN_ROLE) beforeFirstPeriod {
        _h.reserve += amount;
        emit ReserveFunded(msg.sender, amount);
        _settlement.safeTransferFrom(msg.sender, address(this), amount);
    }

    /**
     * @notice Deposits period `periodId`'s collections and pays them down the waterfall.
     * @dev Servicer only; periods in order from 1 to the term's end. The first period is
     * refused until every tranche is placed in full ({WaterfallStructureNotPlaced}): each
     * tranche token's supply must equal its cap, so that the principals the waterfall pays
     * are the principals investors hold. Pulls `collections` from the caller (approve first)
     * and each guarantor's draw from the guarantor. Emits {CollectionsDeposited}, then {Paid}
     * for every amount and its source, {InterestShortfall}, {ReserveReleased} and
     * {TriggerSwitched} where they happen; each tranche token emits its `RevenueDistributed`.
     */
    function deposit(uint256 periodId, uint256 collections, bytes32 reportHash)
        external
        onlyRole(SERVICER_ROLE)
        nonReentrant
    {
        Header memory h = _h;
        uint256 t = uint256(h.period) + 1;
        if (periodId != t) revert WaterfallPeriodOutOfSequence(t, periodId);
        if (t > _periods) revert WaterfallTermEnded(_periods);
        if (t == 1) _requirePlaced(h.rated);
        h.period = uint16(t);
        Books memory b = _books(h, collections, reportHash);
        _moveMoney(t, collections, reportHash, b);
    }

    // ----- views -----

    /// @notice The last period paid (0 before the first).
    function currentPeriod() external view returns (uint256) {
        return _h.period;
    }

    /// @notice Periods in the term.
    function periods() external view returns (uint256) {
        return _periods;
    }

    /// @notice The reserve account's balance.
    function reserveBalance() external view returns (uint256) {
        return _h.reserve;
    }

    /// @notice Rated tranche `i`'s outstanding principal and interest owed from past periods.
    function trancheState(uint256 i) external view returns (uint256 outstanding, uint256 interestOwed) {
        return (_state[i].outstanding, _interestOwed[i]);
    }

    /// @notice Rated tranche `i`'s terms.
    function tranche(uint256 i) external view returns (Tranche memory) {
        if (i >= _h.rated) revert InvalidWaterfallTerm("tranche", i);
        return _tranches[i];
    }

    /// @notice Number of rated tranches (the junior is one more).
    function ratedTranches() external view returns (uint256) {
        return _h.rated;
    }

    /// @notice The junior (residual) tranche's token.
    function junior() external view returns (IRevenueDistribution) {
        return _junior;
    }

    /// @notice Guarantor `g`'s facility and draws.
    function guarantor(uint256 g) external view returns (Guarantor memory) {
        if (g >= _h.guarantors) revert InvalidWaterfallTerm("guarantor", g);
        return _guarantors[g];
    }

    /// @notice Fee `i`'s terms and what is owed of it.
    function fee(uint256 i) external view returns (Fee memory) {
        if (i >= _h.fees) revert InvalidWaterfallTerm("fee", i);
        return _fees[i];
    }

    /// @notice Trigger `j`'s terms and state (`on`: the action applies; counts: consecutive
    /// periods below and at or above the threshold, the reason it switched, each counted up to
    /// the number that switches it: `periods` below, `curePeriods` at or above).
    function trigger(uint256 j) external view returns (Trigger memory) {
        if (j >= _h.triggers) revert InvalidWaterfallTerm("trigger", j);
        return _triggers[j];
    }

    // ----- the period's steps -----

    /// @dev Every tranche token, the junior included, has its whole supply in holders' hands.
    function _requirePlaced(uint256 k) private view {
        for (uint256 i = 0; i <= k; ++i) {
            IRevenueDistribution token = i == k ? _junior : _tranches[i].token;
            uint256 placed = IERC20(address(token)).totalSupply();
            uint256 size = token.supplyCap();
            if (placed != size) revert WaterfallStructureNotPlaced(i, placed, size);
        }
    }

    /// @dev Runs the period's waterfall on the books (effects only); returns what moves.
    function _books(Header memory h, uint256 collections, bytes32 reportHash) private returns (Books memory b) {
        uint256 t = h.period;
        uint256 k = h.rated;
        b.paid = new uint256[](k + 1);
        b.draws = new uint256[](h.guarantors);
        (bool trap, bool accelerate, uint256 ds) = _switchTriggers(t, h, collections);
        emit CollectionsDeposited(t, collections, reportHash, ds);
        if (t >= _periods) trap = false;
        Funds memory f = Funds(collections, 0, h.reserve, h.owed);
        b.fees = _payFees(t, h.fees, f);
        for (uint256 i = 0; i < k; ++i) {
            _payTranche(t, i, f, h.guarantors, b);
            if (i == 0) _fillReserve(t, h.reserveTargetBps, f, trap);
        }
        b.repays = _repayGuarantors(t, h.guarantors, f);
        if (accelerate) {
            TrancheState storage s0 = _state[0];
            uint256 extra = _take(t, STEP_PRINCIPAL, 0, f, s0.outstanding);
            unchecked {
                s0.outstanding -= uint128(extra); // extra <= outstanding
            }
            b.paid[0] += extra;
        }
        if (trap) {
            _emitSplit(t, STEP_TRAP, 0, f.c, f.r);
            f.reserve += f.c + f.r;
        } else {
            _emitSplit(t, STEP_RESIDUAL, k, f.c, f.r);
            b.paid[k] = f.c + f.r;
        }
        // Only these three change in a period: one slot written once.
        Header storage hs = _h;
        (hs.period, hs.owed, hs.reserve) = (h.period, uint32(f.owed), SafeCast.toUint128(f.reserve));
    }

    /// @dev The coupon of tranche `i` this period plus what it is owed from before.
    function _interestDue(uint256 i, Tranche storage tr, uint256 outstanding, uint256 owedBits)
        private
        view
        returns (uint256 due)
    {
        due = outstanding * tr.couponBps / (BPS * _periodsPerYear);
        if (owedBits & (1 << i) != 0) due += _interestOwed[i];
    }

    function _switchTriggers(uint256 t, Header memory h, uint256 collections)
        private
        returns (bool trap, bool accelerate, uint256 ds)
    {
        uint256 n = h.triggers;
        if (n == 0) return (false, false, 0);
        {
            Tranche storage tr = _tranches[0];
            TrancheState memory s = _state[0];
            ds = _interestDue(0, tr, s.outstanding, h.owed) + _principalDue(0, tr, s, t);
        }
        for (uint256 j = 0; j < n; ++j) {
            (bool on, uint8 action) = _switchTrigger(t, j, collections, ds);
            if (on && action == TRAP_CASH) trap = true;
            if (on && action == ACCELERATE_SENIOR) accelerate = true;
        }
    }

    /// @dev Counts trigger `j`'s period below or at/above its threshold and switches it.
    function _switchTrigger(uint256 t, uint256 j, uint256 collections, uint256 ds)
        private
        returns (bool on, uint8 action)
    {
        Trigger memory g = _triggers[j];
        bool below = ds > 0 && collections * BPS < uint256(g.belowBps) * ds;
        bool was = g.on;
        // Each count stops at the number that switches the trigger, so a steady period leaves
        // the slot as it was (every period's DSCR is in {CollectionsDeposited}).
        (uint16 belowCount, uint16 aboveCount) = below
            ? (g.belowCount < g.periods ? g.belowCount + 1 : g.periods, uint16(0))
            : (uint16(0), g.aboveCount < g.curePeriods ? g.aboveCount + 1 : g.curePeriods);
        on = was ? aboveCount < g.curePeriods : belowCount >= g.periods;
        if (belowCount != g.belowCount || aboveCount != g.aboveCount || on != was) {
            (g.belowCount, g.aboveCount, g.on) = (belowCount, aboveCount, on);
            _triggers[j] = g;
        }
        if (on != was) emit TriggerSwitched(t, j, on, _dscr(collections, ds));
        action = g.action;
    }

    function _dscr(uint256 collections, uint256 ds) private pure returns (uint256) {
        return ds == 0 ? type(uint256).max : collections * BPS / ds;
    }

    function _payFees(uint256 t, uint256 n, Funds memory f) private returns (uint256[] memory fees) {
        fees = new uint256[](n);
        if (n == 0) return fees;
        uint256 senior = _state[0].outstanding;
        for (uint256 i = 0; i < n; ++i) {
            Fee storage fe = _fees[i];
            uint256 bps = fe.bpsPerYear;
            uint256 bit = 1 << (FEE_BIT + i);
            uint256 owed = f.owed & bit != 0 ? fe.owed : 0;
            uint256 due = owed + (bps != 0 ? senior * bps / (BPS * _periodsPerYear) : fe.fixedPerPeriod);
            uint256 got = _take(t, STEP_FEE, i, f, due);
            uint256 left = due - got;
            if (left != owed) {
                fe.owed = SafeCast.toUint128(left);
                f.owed = left != 0 ? f.owed | bit : f.owed & ~bit;
            }
            fees[i] = got;
        }
    }

    function _payTranche(uint256 t, uint256 i, Funds memory f, uint256 ng, Books memory b) private {
        Tranche storage tr = _tranches[i];
        TrancheState memory s = _state[i];
        uint256 due = _interestDue(i, tr, s.outstanding, f.owed);
        uint256 got = _take(t, STEP_INTEREST, i, f, due);
        if (got < due) got += _enhance(t, STEP_INTEREST, i, due - got, f, ng, b.draws);
        uint256 bit = 1 << i;
        if (got < due) {
            bool accrues = tr.accrues;
            emit InterestShortfall(t, i, due - got, accrues);
            if (accrues) {
                _interestOwed[i] = due - got;
                f.owed |= bit;
            }
        }
        if (f.owed & bit != 0 && (got == due || !tr.accrues)) {
            _interestOwed[i] = 0;
            f.owed &= ~bit;
        }
        uint256 total = got;
        due = _principalDue(i, tr, s, t);
        if (due != 0) {
            got = _take(t, STEP_PRINCIPAL, i, f, due);
            if (got < due) got += _enhance(t, STEP_PRINCIPAL, i, due - got, f, ng, b.draws);
            if (got != 0) {
                unchecked {
                    s.outstanding -= uint128(got); // got <= due <= outstanding
                }
                _state[i] = s;
            }
            total += got;
        }
        b.paid[i] = total;
    }

    /// @dev What brings tranche `i`'s outstanding down to its schedule's by the end of period `t`.
    function _principalDue(uint256 i, Tranche storage tr, TrancheState memory s, uint256 t)
        private
        view
        returns (uint256)
    {
        uint256 principal = s.principal;
        uint256 repaid = 0;
        if (t >= _periods) {
            repaid = principal;
        } else {
            uint256 kind = tr.kind;
            if (kind == STRAIGHT_LINE) {
                repaid = principal * t / _periods;
            } else if (kind == SCHEDULE) {
                uint16[] storage cum = _cumBps[i];
                uint256 n = cum.length;
                repaid = n == 0 ? 0 : principal * cum[t < n ? t - 1 : n - 1] / BPS;
            }
        }
        uint256 target = principal - repaid;
        return s.outstanding > target ? s.outstanding - target : 0;
    }

    /// @dev Meets `unpaid` of tranche `i` from the reserve (most senior only), then guarantors.
    function _enhance(
        uint256 t,
        uint8 step,
        uint256 i,
        uint256 unpaid,
        Funds memory f,
        uint256 ng,
        uint256[] memory draws
    ) private returns (uint256 got) {
        if (i == 0 && f.reserve != 0) {
            got = f.reserve < unpaid ? f.reserve : unpaid;
            f.reserve -= got;
            emit Paid(t, step, i, SOURCE_RESERVE, 0, got);
        }
        for (uint256 g = 0; g < ng && got < unpaid; ++g) {
            Guarantor storage gu = _guarantors[g];
            if (gu.covers != i) continue;
            uint256 room = gu.perPeriodLimit - draws[g];
            uint256 left = gu.totalLimit - gu.drawn;
            if (left < room) room = left;
            uint256 draw = unpaid - got < room ? unpaid - got : room;
            if (draw == 0) continue;
            draws[g] += draw;
            gu.drawn += SafeCast.toUint128(draw);
            if (gu.repaid) {
                gu.owed += SafeCast.toUint128(draw);
                f.owed |= 1 << (GUARANTOR_BIT + g);
            }
            got += draw;
            emit Paid(t, step, i, SOURCE_GUARANTOR, g, draw);
        }
    }

    function _fillReserve(uint256 t, uint256 targetBps, Funds memory f, bool trap) private {
        uint256 reserve = f.reserve;
        uint256 target = 0;
        if (t < _periods) {
            target = targetBps != 0 ? uint256(_state[0].outstanding) * targetBps / BPS : _reserveTarget;
        }
        if (reserve < target) {
            reserve += _take(t, STEP_RESERVE_FILL, 0, f, target - reserve);
        } else if (reserve > target && !trap) {
            f.r += reserve - target;
            emit ReserveReleased(t, reserve - target);
            reserve = target;
        }
        f.reserve = reserve;
    }

    function _repayGuarantors(uint256 t, uint256 n, Funds memory f) private returns (uint256[] memory repays) {
        repays = new uint256[](n);
        for (uint256 g = 0; g < n; ++g) {
            uint256 bit = 1 << (GUARANTOR_BIT + g);
            if (f.owed & bit == 0) continue;
            Guarantor storage gu = _guarantors[g];
            uint256 owed = gu.owed;
            uint256 got = _take(t, STEP_GUARANTOR_REPAYMENT, g, f, owed);
            unchecked {
                gu.owed = uint128(owed - got); // got <= owed
            }
            if (got == owed) f.owed &= ~bit;
            repays[g] = got;
        }
    }

    /// @dev Takes up to `due` from the funds (collections, then released reserve); emits {Paid}.
    function _take(uint256 t, uint8 step, uint256 to, Funds memory f, uint256 due) private returns (uint256) {
        unchecked {
            uint256 fc = f.c < due ? f.c : due;
            f.c -= fc;
            uint256 rest = due - fc;
            uint256 fr = f.r < rest ? f.r : rest;
            f.r -= fr;
            _emitSplit(t, step, to, fc, fr);
            return fc + fr; // <= due
        }
    }

    function _emitSplit(uint256 t, uint8 step, uint256 to, uint256 fc, uint256 fr) private {
        if (fc != 0) emit Paid(t, step, to, SOURCE_COLLECTIONS, 0, fc);
        if (fr != 0) emit Paid(t, step, to, SOURCE_RESERVE, 0, fr);
    }

    /// @dev The period's interactions, after its books: money in, then out.
    function _moveMoney(uint256 t, uint256 collections, bytes32 reportHash, Books memory b) private {
        uint256[] memory draws = b.draws;
        uint256[] memory fees = b.fees;
        uint256[] memory repays = b.repays;
        uint256[] memory paid = b.paid;
        if (collections != 0) _settlement.safeTransferFrom(msg.sender, address(this), collections);
        uint256 ng = draws.length;
        for (uint256 g = 0; g < ng; ++g) {
            if (draws[g] != 0) _settlement.safeTransferFrom(_guarantors[g].account, address(this), draws[g]);
        }
        uint256 nf = fees.length;
        for (uint256 i = 0; i < nf; ++i) {
            if (fees[i] != 0) _settlement.safeTransfer(_fees[i].recipient, fees[i]);
        }
        for (uint256 g = 0; g < ng; ++g) {
            if (repays[g] != 0) _settlement.safeTransfer(_guarantors[g].account, repays[g]);
        }
        uint256 k = paid.length - 1;
        for (uint256 i = 0; i < k; ++i) {
            _tranches[i].token.distribute(t, paid[i], reportHash);
        }
        _junior.distribute(t, paid[k], reportHash);
    }
}
