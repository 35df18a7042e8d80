// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/**
 * @title RevenueDistribution
 * @notice ERC-20 extension that shares revenue paid in a settlement token among holders,
 * pro rata to balance and time held. Pull based: each distribution is O(1), holders claim.
 * @dev Cumulative magnified revenue per share plus a per-holder correction adjusted in
 * {ERC20-_update} on every mint, burn and transfer. The division remainder of each distribution
 * is carried into the next one, so
 * `sum(claimed) + sum(claimable) + dust == totalDistributed` to the unit.
 */
abstract contract RevenueDistribution is ERC20, ReentrancyGuard {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @notice Fixed-point scale of the revenue-per-share accumulator.
    uint256 public constant MAGNITUDE = 2 ** 128;

    /// @notice One revenue period as reported and distributed.
    struct Period {
        uint256 amount;
        bytes32 reportHash;
        uint64 timestamp;
        uint256 supplyAtDistribution;
    }

    IERC20 private immutable _settlementToken;

    uint256 private _magnifiedRevenuePerShare;
    uint256 private _magnifiedRemainder;
    mapping(address holder => int256) private _magnifiedCorrections;
    mapping(address holder => uint256) private _claimed;
    uint256 private _totalDistributed;
    uint256 private _totalClaimed;
    uint256 private _lastPeriodId;

    /// @notice Period id => distribution record.
    mapping(uint256 periodId => Period) public periods;

    /// @notice Emitted for every distribution.
    event RevenueDistributed(
        uint256 indexed periodId,
        uint256 amount,
        bytes32 reportHash,
        uint256 magnifiedPerShareDelta,
        uint256 magnifiedRemainder
    );
    /// @notice Emitted when revenue is paid out to a holder.
    event RevenueClaimed(address indexed holder, uint256 amount);

    /// @dev Period ids must be `lastPeriodId + 1`.
    error PeriodOutOfSequence(uint256 expected, uint256 given);
    /// @dev A distribution while the supply is zero.
    error NoHolders();
    /// @dev The holder has nothing to claim.
    error NothingToClaim(address holder);
    /// @dev The settlement token address is zero.
    error InvalidSettlementToken(address settlementToken);

    /// @param settlementToken_ The ERC-20 stablecoin revenue is paid in.
    constructor(IERC20 settlementToken_) {
        if (address(settlementToken_) == address(0)) revert InvalidSettlementToken(address(settlementToken_));
        _settlementToken = settlementToken_;
    }

    /**
     * @notice Claims all revenue owed to the caller.
     * @dev Reverts with {NothingToClaim} if nothing is owed. Works while paused and after
     * maturity. Emits {RevenueClaimed}.
     * @return amount Settlement-token units paid.
     */
    function claim() external nonReentrant returns (uint256 amount) {
        amount = _claim(msg.sender);
        if (amount == 0) revert NothingToClaim(msg.sender);
    }

    /**
     * @notice Pays each listed holder the revenue owed to them, to their own address.
     * @dev Anyone may call (pays the gas for others). Holders with nothing owed are skipped.
     * Emits {RevenueClaimed} per paid holder.
     * @param holders Holders to pay.
     */
    function claimFor(address[] calldata holders) external nonReentrant {
        for (uint256 i = 0; i < holders.length; ++i) {
            _claim(holders[i]);
        }
    }

    /**
     * @notice The settlement token revenue is paid in.
     * @return The settlement token.
     */
    function settlementToken() public view returns (IERC20) {
        return _settlementToken;
    }

    /**
     * @notice Revenue ever earned by `holder` (claimed or not), in settlement-token units.
     * @param holder The holder.
     * @return Cumulative revenue earned.
     */
    function accumulativeRevenueOf(address holder) public view returns (uint256) {
        int256 magnified = (_magnifiedRevenuePerShare * balanceOf(holder)).toInt256() + _magnifiedCorrections[holder];
        return magnified.toUint256() / MAGNITUDE;
    }

    /**
     * @notice Revenue already paid out to `holder`.
     * @param holder The holder.
     * @return Settlement-token units claimed.
     */
    function claimedOf(address holder) public view returns (uint256) {
        return _claimed[holder];
    }

    /**
     * @notice Revenue `holder` can claim now.
     * @param holder The holder.
     * @return Settlement-token units claimable.
     */
    function claimable(address holder) public view returns (uint256) {
        return accumulativeRevenueOf(holder) - _claimed[holder];
    }

    /**
     * @notice Cumulative revenue per token, scaled by {MAGNITUDE}.
     * @return The accumulator.
     */
    function magnifiedRevenuePerShare() public view returns (uint256) {
        return _magnifiedRevenuePerShare;
    }

    /**
     * @notice Magnified remainder carried into the next distribution.
     * @return The carried remainder (scaled by {MAGNITUDE}).
     */
    function magnifiedRemainder() public view returns (uint256) {
        return _magnifiedRemainder;
    }

    /**
     * @notice The correction term of `holder`.
     * @param holder The holder.
     * @return The signed magnified correction.
     */
    function magnifiedCorrectionOf(address holder) public view returns (int256) {
        return _magnifiedCorrections[holder];
    }

    /**
     * @notice Id of the last distributed period (0 before the first).
     * @return The last period id.
     */
    function lastPeriodId() public view returns (uint256) {
        return _lastPeriodId;
    }

    /**
     * @notice Sum of all distributed amounts.
     * @return Settlement-token units distributed.
     */
    function totalDistributed() public view returns (uint256) {
        return _totalDistributed;
    }

    /**
     * @notice Sum of all claimed amounts.
     * @return Settlement-token units claimed.
     */
    function totalClaimed() public view returns (uint256) {
        return _totalClaimed;
    }

    /**
     * @dev Records period `periodId`, adds `amount` to the accumulator and pulls `amount` of the
     * settlement token from `payer`. Access control and reentrancy guard are the caller's job.
     * Emits {RevenueDistributed}.
     */
    function _distribute(address payer, uint256 periodId, uint256 amount, bytes32 reportHash) internal {
        uint256 expected = _lastPeriodId + 1;
        if (periodId != expected) revert PeriodOutOfSequence(expected, periodId);
        uint256 supply = totalSupply();
        if (supply == 0) revert NoHolders();

        uint256 total = amount * MAGNITUDE + _magnifiedRemainder;
        uint256 delta = total / supply;
        uint256 remainder = total % supply;
        _magnifiedRemainder = remainder;
        _magnifiedRevenuePerShare += delta;
        _totalDistributed += amount;
        _lastPeriodId = periodId;
        periods[periodId] = Period(amount, reportHash, uint64(block.timestamp), supply);
        emit RevenueDistributed(periodId, amount, reportHash, delta, remainder);

        // A period without net revenue is still reported (its report hash is on record).
        if (amount != 0) _settlementToken.safeTransferFrom(payer, address(this), amount);
    }

    /// @dev Pays `holder` what it is owed, effects before the transfer. Returns the amount paid.
    function _claim(address holder) private returns (uint256 amount) {
        amount = claimable(holder);
        if (amount == 0) return 0;
        _claimed[holder] += amount;
        _totalClaimed += amount;
        emit RevenueClaimed(holder, amount);
        _settlementToken.safeTransfer(holder, amount);
    }

    /// @dev Keeps each holder's earned revenue unchanged by mints, burns and transfers.
    function _update(address from, address to, uint256 value) internal virtual override {
        super._update(from, to, value);
        int256 magnified = (_magnifiedRevenuePerShare * value).toInt256();
        if (from != address(0)) _magnifiedCorrections[from] += magnified;
        if (to != address(0)) _magnifiedCorrections[to] -= magnified;
    }
}
