// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ISharedErrors} from "../common/Shared.sol";

/**
 * @title PushDistribution
 * @notice The naive revenue distribution, kept only as a gas baseline for the benchmark: it keeps
 * a list of holders with their balances and, on every distribution, pushes each holder's pro-rata
 * share of the stablecoin in a loop. Its cost grows linearly with the number of holders, unlike
 * the O(1) accumulator of `RevenueDistribution`.
 */
contract PushDistribution is Ownable, ISharedErrors {
    using SafeERC20 for IERC20;

    /// @dev A holder was added twice.
    error HolderAlreadyAdded(address holder);
    /// @dev A holder with a zero balance or the zero address.
    error InvalidHolder(address holder);
    /// @dev There is nobody to distribute to.
    error NoHolders();

    /// @notice Emitted once per distribution.
    event Distributed(uint256 amount, uint256 holders);

    IERC20 private immutable _stablecoin;
    address[] private _holders;
    mapping(address holder => uint256) private _balances;
    uint256 private _totalBalance;

    /**
     * @notice Deploys the distributor.
     * @param stablecoin_ The token revenue is paid in.
     * @param initialOwner Account allowed to add holders.
     */
    constructor(IERC20 stablecoin_, address initialOwner) Ownable(initialOwner) {
        _stablecoin = stablecoin_;
    }

    /**
     * @notice Adds holders with their balances.
     * @dev Owner only. Each holder once, with a non-zero balance.
     * @param holders New holders.
     * @param balances Their balances.
     */
    function addHolders(address[] calldata holders, uint256[] calldata balances) external onlyOwner {
        if (holders.length != balances.length) revert LengthMismatch(holders.length, balances.length);
        uint256 added = 0;
        for (uint256 i = 0; i < holders.length; ++i) {
            address holder = holders[i];
            if (holder == address(0) || balances[i] == 0) revert InvalidHolder(holder);
            if (_balances[holder] != 0) revert HolderAlreadyAdded(holder);
            _balances[holder] = balances[i];
            _holders.push(holder);
            added += balances[i];
        }
        _totalBalance += added;
    }

    /**
     * @notice Pulls `amount` from the caller and pushes each holder's pro-rata share to it.
     * @dev Anyone may pay in (approve first). Rounding dust stays in the contract. O(holders).
     * @param amount Stablecoin units to distribute.
     */
    function distribute(uint256 amount) external {
        uint256 count = _holders.length;
        if (count == 0) revert NoHolders();
        _stablecoin.safeTransferFrom(msg.sender, address(this), amount);
        uint256 total = _totalBalance;
        for (uint256 i = 0; i < count; ++i) {
            address holder = _holders[i];
            uint256 share = (amount * _balances[holder]) / total;
            if (share != 0) _stablecoin.safeTransfer(holder, share);
        }
        emit Distributed(amount, count);
    }

    /// @notice The number of holders.
    function holderCount() external view returns (uint256) {
        return _holders.length;
    }

    /// @notice The balance recorded for `holder`.
    function balanceOf(address holder) external view returns (uint256) {
        return _balances[holder];
    }
}
