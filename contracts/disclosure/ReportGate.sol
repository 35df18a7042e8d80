// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IRevenueDistribution} from "../interfaces/IRevenueDistribution.sol";
import {IDocumentRegistry} from "../interfaces/IDocumentRegistry.sol";
import {ServicerRole} from "../common/Shared.sol";

/// @dev The token's dust sweep, which pays its caller (this gate, its servicer).
interface IDustSweep {
    function sweepDust() external returns (uint256 amount);
}

/// @dev The token's distribution for a payer the gate names (the account submitting a report).
interface IGatedDistribution {
    function distributeFrom(address payer, uint256 periodId, uint256 amount, bytes32 reportHash) external;
}

/**
 * @title ReportGate
 * @notice The only servicer of a revenue-share token: it distributes a period's revenue only
 * with that period's revenue report signed (EIP-712) by a servicer and co-signed by an auditor
 * the deal's {DocumentRegistry} knows, for exactly the signed amounts. It keeps on chain, per
 * deal, what was paid out from each source of funds (operating collections, reserve, guarantor,
 * other) and each period's collections against the base case, with a covenant flag.
 * @dev Grant this contract the token's SERVICER_ROLE (for the dust sweep) and GATE_ROLE (the
 * token then pulls each distribution from the account submitting the report, which approves the
 * token, not this gate), and no one else either role. SERVICER_ROLE here names
 * the servicers whose signature is accepted. Anyone may submit a signed, co-signed report: the
 * caller pays the amount in (the signatures fix what it is), never anyone else. Signatures are compact (EIP-2098
 * `r, vs`). A report is bound to this gate and chain (the EIP-712 domain) and to its period,
 * which the token accepts once, so a signature cannot be replayed.
 * The chain proves who signed which figures and that the money paid matches them; it cannot
 * prove that the figures are true: that is the auditor's job, off chain.
 */
contract ReportGate is AccessControlDefaultAdminRules, ServicerRole {
    using SafeERC20 for IERC20;

    /// @notice Auditor role bit in the registry.
    uint8 public constant AUDITOR = 4;
    uint256 private constant BPS = 10_000;

    /// @notice EIP-712 domain: name and version (chain id and this contract complete it).
    string public constant DOMAIN_NAME = "RWA ReportGate";
    string public constant DOMAIN_VERSION = "1";
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    /// @notice EIP-712 type of a period's revenue report.
    bytes32 public constant REPORT_TYPEHASH = keccak256(
        "Report(uint256 period,uint256 grossRevenue,uint256 costs,uint256 netCollections,uint256 fromOperations,"
        "uint256 fromReserve,uint256 fromGuarantor,uint256 fromOther,bytes32 reportHash)"
    );

    /// @notice A period's revenue report: its figures in settlement-token units and the hash of
    /// the JSON document that carries them.
    struct Report {
        uint256 period;
        uint256 grossRevenue;
        uint256 costs;
        uint256 netCollections;
        uint256 fromOperations;
        uint256 fromReserve;
        uint256 fromGuarantor;
        uint256 fromOther;
        bytes32 reportHash;
    }

    /// @notice A compact signature (EIP-2098).
    struct Signature {
        bytes32 r;
        bytes32 vs;
    }

    /// @notice The token distributed.
    IRevenueDistribution public immutable token;
    /// @notice The deal's document registry (knows the auditors).
    IDocumentRegistry public immutable registry;
    IERC20 private immutable _settlement;
    bytes32 private immutable _cachedDomainSeparator;
    uint256 private immutable _cachedChainId;
    /// @notice Covenant: collections below this share of the base case (basis points) ...
    uint16 public immutable shortfallBps;
    /// @notice ... for this many consecutive periods raise the covenant flag.
    uint16 public immutable shortfallPeriods;

    // One slot written per period when all is paid from operations.
    uint128 private _fromOperations;
    uint32 private _shortfallRun;
    uint64 private _breachedAt;
    uint128 private _fromReserve;
    uint128 private _fromGuarantor;
    uint128 private _fromOther;
    mapping(uint256 period => uint256) private _baseCase;

    /// @notice Emitted for every attested distribution: who signed, what was collected against
    /// the base case, and what was paid by source of funds.
    event ReportAttested(
        uint256 indexed period,
        bytes32 indexed reportHash,
        address indexed auditor,
        address servicer,
        uint256 netCollections,
        uint256 baseCase,
        uint256 fromOperations,
        uint256 fromReserve,
        uint256 fromGuarantor,
        uint256 fromOther
    );
    /// @notice Emitted once, when collections stayed below the covenant's share of the base case
    /// for `run` consecutive periods.
    event CovenantBreached(uint256 indexed period, uint256 run);
    /// @notice Emitted when the token's rounding dust is passed on to a servicer.
    event DustForwarded(address indexed to, uint256 amount);
    /// @notice Emitted when the base case of periods `first` .. `first + count - 1` is set.
    event BaseCaseSet(uint256 indexed first, uint256 count);

    /// @dev The amount deposited differs from the sum of the signed sources.
    error ReportAmountMismatch(uint256 signedTotal, uint256 deposited);
    /// @dev The servicer's signature recovers to `signer`, which is not a servicer.
    error ReportNotSignedByServicer(address signer);
    /// @dev The co-signature recovers to `signer`, which the registry does not know as an
    /// auditor (a forged or missing attestation).
    error ReportNotAttested(address signer);
    /// @dev The auditor and the servicer are the same address.
    error AuditorNotIndependent(address signer);
    /// @dev The report pays more from operations than it says was collected.
    error PaidMoreThanCollected(uint256 fromOperations, uint256 netCollections);
    /// @dev The base case can only be set for periods not yet distributed.
    error PeriodAlreadyDistributed(uint256 period, uint256 lastPeriod);
    /// @dev A covenant term is out of range (share above 100 %, or a share without periods).
    error InvalidCovenant(uint16 shortfallBps, uint16 shortfallPeriods);
    /// @dev A constructor address is zero.
    error InvalidAddress(string what);

    /**
     * @param admin Receives DEFAULT_ADMIN_ROLE (grants SERVICER_ROLE, sets the base case).
     * @param servicer Receives SERVICER_ROLE (its signature is accepted).
     * @param token_ The token; grant this gate its SERVICER_ROLE.
     * @param registry_ The deal's document registry.
     * @param shortfallBps_ Covenant share of the base case (0: no covenant).
     * @param shortfallPeriods_ Consecutive periods below it that breach the covenant.
     * @param adminDelay Seconds between the start of an admin handover and its acceptance.
     */
    constructor(
        address admin,
        address servicer,
        IRevenueDistribution token_,
        IDocumentRegistry registry_,
        uint16 shortfallBps_,
        uint16 shortfallPeriods_,
        uint48 adminDelay
    ) AccessControlDefaultAdminRules(adminDelay, admin) {
        if (address(token_) == address(0)) revert InvalidAddress("token");
        if (address(registry_) == address(0)) revert InvalidAddress("registry");
        if (shortfallBps_ > BPS || (shortfallBps_ != 0) != (shortfallPeriods_ != 0)) {
            revert InvalidCovenant(shortfallBps_, shortfallPeriods_);
        }
        token = token_;
        registry = registry_;
        shortfallBps = shortfallBps_;
        shortfallPeriods = shortfallPeriods_;
        _settlement = token_.settlementToken();
        _cachedChainId = block.chainid;
        _cachedDomainSeparator = _buildDomainSeparator();
        _grantRole(SERVICER_ROLE, servicer);
    }

    /**
     * @notice Distributes period `r.period` with its report signed by a servicer and co-signed
     * by an auditor; the caller pays `amount`, which must equal the signed sources' sum: the
     * token pulls it from the caller, who approves the token (not this gate) beforehand.
     * @dev Reverts with {ReportAmountMismatch}, {PaidMoreThanCollected},
     * {ReportNotSignedByServicer}, {AuditorNotIndependent}, {ReportNotAttested}, and with the
     * token's errors (period sequence, term). Emits {ReportAttested} and, the period the
     * covenant is breached, {CovenantBreached}. Checks, then effects, then the one call, to the
     * token fixed at construction (which has its own guard and does the transfer); no
     * reentrancy guard here, to keep the period's gas down. The payer is always `msg.sender`:
     * a signed report in someone else's hands cannot spend the servicer's approval.
     * @param r The report.
     * @param amount Settlement-token units paid in and distributed.
     * @param servicerSig The servicer's signature of the report.
     * @param auditorSig The auditor's signature of the report.
     */
    function distribute(Report calldata r, uint256 amount, Signature calldata servicerSig, Signature calldata auditorSig)
        external
    {
        uint256 signed;
        // Unchecked: a sum that wrapped needs a source of 2^254 or more, which {_record}'s
        // SafeCast to uint128 then refuses, so a wrapped sum never distributes.
        unchecked {
            signed = r.fromOperations + r.fromReserve + r.fromGuarantor + r.fromOther;
        }
        if (signed != amount) revert ReportAmountMismatch(signed, amount);
        if (r.fromOperations > r.netCollections) revert PaidMoreThanCollected(r.fromOperations, r.netCollections);
        bytes32 digest = reportDigest(r);
        address servicer = ECDSA.recover(digest, servicerSig.r, servicerSig.vs);
        if (!hasRole(SERVICER_ROLE, servicer)) revert ReportNotSignedByServicer(servicer);
        address auditor = ECDSA.recover(digest, auditorSig.r, auditorSig.vs);
        if (auditor == servicer) revert AuditorNotIndependent(auditor);
        if (!registry.hasAttesterRoles(auditor, AUDITOR)) revert ReportNotAttested(auditor);

        _record(r);
        uint256 expected = shortfallBps == 0 ? 0 : _baseCase[r.period];
        _emitAttested(r, auditor, servicer, expected);
        _covenant(r.period, r.netCollections, expected);

        // The token pulls `amount` straight from the caller (who approved the token): the money
        // does not pass through the gate, and no one but the caller can be made to pay.
        IGatedDistribution(address(token)).distributeFrom(msg.sender, r.period, amount, r.reportHash);
    }

    /**
     * @notice After the final period: the token's rounding dust, passed on to the servicer
     * calling. Servicer only (the gate holds the token's servicer role, so the sweep goes
     * through it). Emits the token's {DustSwept} and {DustForwarded}.
     * @return amount Settlement-token units paid to the caller.
     */
    function sweepDust() external onlyRole(SERVICER_ROLE) returns (uint256 amount) {
        amount = IDustSweep(address(token)).sweepDust();
        emit DustForwarded(msg.sender, amount);
        _settlement.safeTransfer(msg.sender, amount);
    }

    /**
     * @notice Sets the base-case collections of periods `first` .. `first + expected.length - 1`
     * (settlement-token units), for periods not yet distributed. Admin only. Emits {BaseCaseSet}.
     * @param first The first period.
     * @param expected The base case of each period (0: no figure, no covenant test).
     */
    function setBaseCase(uint256 first, uint256[] calldata expected) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint256 last = token.lastPeriodId();
        if (first <= last) revert PeriodAlreadyDistributed(first, last);
        for (uint256 i = 0; i < expected.length; ++i) {
            _baseCase[first + i] = expected[i];
        }
        emit BaseCaseSet(first, expected.length);
    }

    /**
     * @notice The EIP-712 digest a servicer and an auditor sign for report `r`.
     * @param r The report.
     * @return The digest.
     */
    function reportDigest(Report calldata r) public view returns (bytes32) {
        bytes32 structHash = keccak256(abi.encode(REPORT_TYPEHASH, r));
        return keccak256(abi.encodePacked(hex"1901", domainSeparator(), structHash));
    }

    /**
     * @notice The EIP-712 domain separator (recomputed if the chain id changed, after a fork).
     * @dev Written out rather than OpenZeppelin's EIP712, whose short strings need `mcopy`
     * (Cancun); the toolkit targets Shanghai.
     * @return The separator.
     */
    function domainSeparator() public view returns (bytes32) {
        return block.chainid == _cachedChainId ? _cachedDomainSeparator : _buildDomainSeparator();
    }

    /**
     * @notice What was paid out so far, by source of funds (settlement-token units).
     * @return fromOperations From operating collections.
     * @return fromReserve From the reserve.
     * @return fromGuarantor From guarantors.
     * @return fromOther From anything else (new money, the issuer's own funds).
     */
    function paidBySource()
        external
        view
        returns (uint256 fromOperations, uint256 fromReserve, uint256 fromGuarantor, uint256 fromOther)
    {
        return (_fromOperations, _fromReserve, _fromGuarantor, _fromOther);
    }

    /**
     * @notice The base-case collections of `period` (0 if none was set).
     * @param period The period.
     * @return Settlement-token units.
     */
    function baseCase(uint256 period) external view returns (uint256) {
        return _baseCase[period];
    }

    /**
     * @notice The covenant: consecutive periods below the base-case share so far, and the
     * period it was breached (0: not breached). Once breached it stays breached.
     * @return run Consecutive periods below the share, up to the last report.
     * @return breachedAt The period of the breach, or 0.
     */
    function covenant() external view returns (uint256 run, uint256 breachedAt) {
        return (_shortfallRun, _breachedAt);
    }

    /**
     * @notice Whether the covenant is breached (for a waterfall's triggers, or anyone).
     * @return True once breached.
     */
    function covenantBreached() external view returns (bool) {
        return _breachedAt != 0;
    }

    function _buildDomainSeparator() private view returns (bytes32) {
        return keccak256(
            abi.encode(
                DOMAIN_TYPEHASH, keccak256(bytes(DOMAIN_NAME)), keccak256(bytes(DOMAIN_VERSION)), block.chainid, address(this)
            )
        );
    }

    function _emitAttested(Report calldata r, address auditor, address servicer, uint256 expected) private {
        emit ReportAttested(
            r.period,
            r.reportHash,
            auditor,
            servicer,
            r.netCollections,
            expected,
            r.fromOperations,
            r.fromReserve,
            r.fromGuarantor,
            r.fromOther
        );
    }

    /// @dev Adds the report's sources to the cumulative totals, writing only what changes.
    function _record(Report calldata r) private {
        if (r.fromOperations != 0) _fromOperations += SafeCast.toUint128(r.fromOperations);
        if (r.fromReserve != 0) _fromReserve += SafeCast.toUint128(r.fromReserve);
        if (r.fromGuarantor != 0) _fromGuarantor += SafeCast.toUint128(r.fromGuarantor);
        if (r.fromOther != 0) _fromOther += SafeCast.toUint128(r.fromOther);
    }

    /// @dev Counts consecutive periods with collections below the covenant's share of the base
    /// case; a period without a base-case figure or covenant leaves the count alone.
    function _covenant(uint256 period, uint256 collected, uint256 expected) private {
        if (shortfallBps == 0 || expected == 0) return;
        if (collected * BPS < expected * shortfallBps) {
            uint32 run = _shortfallRun + 1;
            _shortfallRun = run;
            if (run >= shortfallPeriods && _breachedAt == 0) {
                _breachedAt = uint64(period);
                emit CovenantBreached(period, run);
            }
        } else if (_shortfallRun != 0) {
            _shortfallRun = 0;
        }
    }
}
