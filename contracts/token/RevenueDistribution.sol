// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IRevenueDistribution} from "../interfaces/IRevenueDistribution.sol";

/**
 * @title RevenueDistribution
 * @notice ERC-20 extension that shares revenue paid in a settlement token among holders,
 * pro rata to the balances at the block of each distribution (a record date: who holds then is
 * paid the whole period). Pull based: each distribution is O(1), holders claim.
 * @dev Cumulative magnified revenue per share plus a per-holder correction adjusted in
 * {ERC20-_update} on every mint, burn and transfer. The division remainder of each distribution
 * is carried into the next one, so
 * `sum(claimed) + sum(claimable) + dust == totalDistributed` to the unit. Claimed amounts
 * are in the {RevenueClaimed} events; the token stores only what paying holders needs.
 * The term has an end: period {finalPeriod} is the last one distributed ({PeriodAfterTerm}).
 * After it no holder's revenue can grow, so the fraction of a unit each holder is left with
 * (and the carried remainder) can never be paid to anyone: a holder's first claim after the
 * final period releases its fraction, and {_sweepDust} pays the whole units released
 * ({DustSwept}).
 */
abstract contract RevenueDistribution is ERC20, ReentrancyGuard, IRevenueDistribution {
    using SafeERC20 for IERC20;
    using SafeCast for uint256;
    using SafeCast for int256;

    /// @notice Fixed-point scale of the revenue-per-share accumulator.
    uint256 public constant MAGNITUDE = 2 ** 128;

    IERC20 private immutable _settlementToken;
    uint256 private immutable _supplyCap;
    /// @dev The accumulator's ceiling: `perShare x supplyCap` (every correction and every
    /// holder's `perShare x balance`) must fit an int256.
    uint256 private immutable _maxPerShare;
    uint64 private immutable _finalPeriod;

    // Two storage slots, each read and written once per distribution. The accumulator is kept
    // below `_maxPerShare` ({DistributionTooLarge}), which fits uint192 for any cap of 2^64 base
    // units or more; the other narrow types are checked with SafeCast and overflow only for
    // absurd figures (more than 2^128 settlement units in all).
    uint192 private _magnifiedRevenuePerShare;
    uint64 private _lastPeriodId;
    uint128 private _magnifiedRemainder;
    uint128 private _totalDistributed;
    /// @dev Per holder: revenue earned before the holder's current balance was acquired, minus
    /// everything paid out to the holder, both magnified. Claims fold into it, so a claim
    /// touches one per-holder slot.
    mapping(address holder => int256) private _magnifiedCorrections;
    /// @dev Magnified fractions released by holders' claims after the final period.
    uint256 private _magnifiedReleased;
    /// @dev Settlement units of rounding dust paid out by {_sweepDust}.
    uint256 private _dustSwept;

    /**
     * @param settlementToken_ Stablecoin revenue is paid in.
     * @param supplyCap_ The most tokens that can ever exist, in base units (1 .. 2^128).
     * @param finalPeriod_ The term's last period (at least 1).
     */
    constructor(IERC20 settlementToken_, uint256 supplyCap_, uint64 finalPeriod_) {
        if (finalPeriod_ == 0) revert InvalidFinalPeriod(finalPeriod_);
        if (address(settlementToken_) == address(0)) revert InvalidSettlementToken(address(settlementToken_));
        if (supplyCap_ == 0 || supplyCap_ > type(uint128).max) revert InvalidSupplyCap(supplyCap_);
        _settlementToken = settlementToken_;
        _supplyCap = supplyCap_;
        _maxPerShare = uint256(type(int256).max) / supplyCap_;
        _finalPeriod = finalPeriod_;
    }

    /**
     * @inheritdoc IRevenueDistribution
     * @dev Reverts with {RevenueHeld} if the caller's revenue is held ({_revenueHeld}), with
     * {NothingToClaim} if nothing is owed. Works while paused and after maturity. Emits
     * {RevenueClaimed}.
     */
    function claim() external nonReentrant returns (uint256 amount) {
        if (_revenueHeld(msg.sender)) revert RevenueHeld(msg.sender);
        amount = _claim(msg.sender, false);
        if (amount == 0) revert NothingToClaim(msg.sender);
    }

    /**
     * @inheritdoc IRevenueDistribution
     * @dev Anyone may call (pays the gas for others). Holders with nothing owed and holders
     * whose revenue is held are skipped. A holder the settlement token refuses to pay (a
     * blacklist, a paused wallet) keeps what it is owed ({ClaimFailed}), and the others are
     * paid. Emits {RevenueClaimed} per paid holder.
     */
    function claimFor(address[] calldata holders) external nonReentrant {
        for (uint256 i = 0; i < holders.length; ++i) {
            if (!_revenueHeld(holders[i])) _claim(holders[i], true);
        }
    }

    /// @inheritdoc IRevenueDistribution
    function settlementToken() public view returns (IERC20) {
        return _settlementToken;
    }

    /// @inheritdoc IRevenueDistribution
    function claimable(address holder) public view returns (uint256) {
        return _magnifiedUnclaimed(holder) / MAGNITUDE;
    }

    /// @inheritdoc IRevenueDistribution
    function magnifiedRevenuePerShare() public view returns (uint256) {
        return _magnifiedRevenuePerShare;
    }

    /// @inheritdoc IRevenueDistribution
    function magnifiedRemainder() public view returns (uint256) {
        return _magnifiedRemainder;
    }

    /// @inheritdoc IRevenueDistribution
    function magnifiedCorrectionOf(address holder) public view returns (int256) {
        return _magnifiedCorrections[holder];
    }

    /// @inheritdoc IRevenueDistribution
    function lastPeriodId() public view returns (uint256) {
        return _lastPeriodId;
    }

    /// @inheritdoc IRevenueDistribution
    function supplyCap() public view returns (uint256) {
        return _supplyCap;
    }

    /// @inheritdoc IRevenueDistribution
    function totalDistributed() public view returns (uint256) {
        return _totalDistributed;
    }

    /// @inheritdoc IRevenueDistribution
    function finalPeriod() public view returns (uint256) {
        return _finalPeriod;
    }

    /// @inheritdoc IRevenueDistribution
    function dustSwept() public view returns (uint256) {
        return _dustSwept;
    }

    /// @inheritdoc IRevenueDistribution
    function sweepableDust() public view returns (uint256) {
        if (_lastPeriodId != _finalPeriod) return 0;
        return (_magnifiedReleased + _magnifiedRemainder) / MAGNITUDE - _dustSwept;
    }

    /**
     * @dev Records period `periodId`, adds `amount` to the accumulator and pulls `amount` of the
     * settlement token from `payer`. Access control is the caller's job.
     * Emits {RevenueDistributed}.
     */
    function _distribute(address payer, uint256 periodId, uint256 amount, bytes32 reportHash) internal {
        uint256 expected = uint256(_lastPeriodId) + 1;
        if (periodId != expected) revert PeriodOutOfSequence(expected, periodId);
        if (periodId > _finalPeriod) revert PeriodAfterTerm(_finalPeriod, periodId);
        uint256 supply = totalSupply();
        if (supply == 0) revert NoHolders();

        uint256 total = amount * MAGNITUDE + _magnifiedRemainder;
        uint256 delta = total / supply;
        uint256 remainder = total % supply;
        uint256 perShare = _magnifiedRevenuePerShare + delta;
        if (perShare > _maxPerShare) revert DistributionTooLarge(perShare, _maxPerShare);
        _magnifiedRevenuePerShare = SafeCast.toUint192(perShare);
        _lastPeriodId = SafeCast.toUint64(periodId);
        _magnifiedRemainder = SafeCast.toUint128(remainder);
        _totalDistributed = SafeCast.toUint128(_totalDistributed + amount);
        emit RevenueDistributed(periodId, amount, reportHash, delta, remainder);

        // A period without net revenue is still reported (its report hash is on record). A
        // settlement token that delivers less than was sent (a fee on transfer) is refused:
        // the token would owe more than it holds.
        if (amount != 0) {
            uint256 before = _settlementToken.balanceOf(address(this));
            _settlementToken.safeTransferFrom(payer, address(this), amount);
            uint256 received = _settlementToken.balanceOf(address(this)) - before;
            if (received != amount) revert SettlementShortfall(amount, received);
        }
    }

    /**
     * @dev Pays `to` the rounding dust released since the last sweep, once the final period
     * has been distributed. Access control is the caller's job. Emits {DustSwept}.
     */
    function _sweepDust(address to) internal returns (uint256 amount) {
        if (_lastPeriodId != _finalPeriod) revert TermNotEnded(_lastPeriodId, _finalPeriod);
        amount = sweepableDust();
        if (amount == 0) revert NoDust();
        _dustSwept += amount;
        emit DustSwept(to, amount);
        _settlementToken.safeTransfer(to, amount);
    }

    /**
     * @dev Moves all of `from`'s unclaimed revenue (fractions included) to `to`, for wallet
     * recovery. Call after the balance itself has moved. Emits {AccruedRevenueMoved}.
     */
    function _moveAccrued(address from, address to) internal {
        uint256 magnified = _magnifiedUnclaimed(from);
        int256 signed = magnified.toInt256();
        _magnifiedCorrections[from] -= signed;
        _magnifiedCorrections[to] += signed;
        emit AccruedRevenueMoved(from, to, magnified / MAGNITUDE);
    }

    /// @dev Whether `holder`'s revenue is held rather than paid (it keeps accruing and moves
    /// with a recovery). None is held unless a derived contract says so.
    function _revenueHeld(address) internal view virtual returns (bool) {
        return false;
    }

    /// @dev Magnified revenue earned by `holder` and not yet paid out.
    function _magnifiedUnclaimed(address holder) private view returns (uint256) {
        int256 magnified =
            (uint256(_magnifiedRevenuePerShare) * balanceOf(holder)).toInt256() + _magnifiedCorrections[holder];
        return magnified.toUint256();
    }

    /// @dev Pays `holder` what it is owed, effects before the transfer. Returns the amount paid.
    /// After the final period the holder's fraction of a unit is released as dust too. With
    /// `tolerant`, a payment the settlement token refuses is undone instead of reverting
    /// ({ClaimFailed}; the books are restored, the call is guarded by `nonReentrant`).
    function _claim(address holder, bool tolerant) private returns (uint256 amount) {
        uint256 magnified = _magnifiedUnclaimed(holder);
        amount = magnified / MAGNITUDE;
        uint256 released = magnified % MAGNITUDE; // the fraction of a unit left over
        uint256 taken = magnified - released;
        if (_lastPeriodId == _finalPeriod && released != 0) {
            _magnifiedReleased += released;
            taken = magnified;
        } else {
            released = 0;
        }
        if (taken == 0) return 0;
        _magnifiedCorrections[holder] -= taken.toInt256();
        if (amount == 0) return 0;
        if (!tolerant) {
            emit RevenueClaimed(holder, amount);
            _settlementToken.safeTransfer(holder, amount);
        } else if (_settlementToken.trySafeTransfer(holder, amount)) {
            emit RevenueClaimed(holder, amount);
        } else {
            _magnifiedCorrections[holder] += taken.toInt256();
            _magnifiedReleased -= released;
            emit ClaimFailed(holder, amount);
            amount = 0;
        }
    }

    /// @dev Keeps each holder's earned revenue unchanged by mints, burns and transfers.
    function _update(address from, address to, uint256 value) internal virtual override {
        super._update(from, to, value);
        // perShare <= _maxPerShare = int256.max / cap and value <= supply <= cap, so the
        // product fits an int256 ({DistributionTooLarge}, {SupplyCapExceeded}).
        int256 magnified;
        unchecked {
            magnified = int256(uint256(_magnifiedRevenuePerShare) * value);
        }
        if (from != address(0)) _magnifiedCorrections[from] += magnified;
        if (to != address(0)) _magnifiedCorrections[to] -= magnified;
    }
}
