// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only ERC-20 that, when armed, calls `target` with stored calldata in the middle of a transfer or
/// transferFrom (after the balances moved), to prove that the target's reentrancy guard blocks the reentry. The
/// outcome of the reentrant call is recorded instead of bubbling up, so the outer call can complete.
contract ReentrantERC20 is ERC20 {
    /// @notice The contract called back during the next transfer (address(0) = disarmed).
    address public reentryTarget;
    /// @notice The calldata of the reentrant call.
    bytes public reentryCallData;
    /// @notice How many reentrant calls were made.
    uint256 public reentryCount;
    /// @notice Whether the last reentrant call succeeded.
    bool public lastReentrySucceeded;
    /// @notice The first four bytes of the last reentrant call's revert data (zero if it succeeded or was empty).
    bytes4 public lastRevertSelector;
    /// @notice The full return or revert data of the last reentrant call.
    bytes public lastReturnData;

    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    /// @notice Mints `amount` to `to`.
    /// @param to The recipient.
    /// @param amount The amount.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the token: the next transfer or transferFrom calls `target_` with `callData_` once.
    /// @param target_ The contract to reenter.
    /// @param callData_ The calldata of the reentrant call.
    function arm(address target_, bytes calldata callData_) external {
        reentryTarget = target_;
        reentryCallData = callData_;
    }

    /// @notice Disarms the token.
    function disarm() external {
        reentryTarget = address(0);
    }

    /// @dev Moves the balances, then (if armed and this is a transfer, not a mint or burn) makes the reentrant call
    /// once and records its outcome.
    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address target_ = reentryTarget;
        if (target_ == address(0) || from == address(0) || to == address(0)) return;
        reentryTarget = address(0);
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory returnData) = target_.call(reentryCallData);
        ++reentryCount;
        lastReentrySucceeded = success;
        lastReturnData = returnData;
        bytes4 selector;
        if (!success && returnData.length >= 4) {
            selector = bytes4(returnData);
        }
        lastRevertSelector = selector;
    }
}
