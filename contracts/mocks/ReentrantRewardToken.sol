// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Test-only reward token that, when armed, calls the reward distributor back with stored calldata (a
/// `claim` or `claimFor`) in the middle of a transfer, after the balances moved. The outcome of the reentrant call
/// is recorded instead of bubbling up, so the outer call can complete and the test can read whether the distributor
/// blocked the reentry. The token fires once per arming.
contract ReentrantRewardToken is ERC20 {
    /// @notice The contract called back during the next transfer (address(0) = disarmed).
    address public reentryTarget;
    /// @notice The calldata of the reentrant call.
    bytes public reentryCallData;
    /// @notice How many reentrant calls were made.
    uint256 public reentryCount;
    /// @notice Whether the last reentrant call reverted.
    bool public lastReentryReverted;
    /// @notice The return or revert data of the last reentrant call.
    bytes public lastReentryData;

    /// @notice Emitted after every reentrant call.
    /// @param target The contract that was called back.
    /// @param reverted Whether the call reverted.
    /// @param data The call's return or revert data.
    event Reentered(address indexed target, bool indexed reverted, bytes data);

    /// @param name_ The token name.
    /// @param symbol_ The token symbol.
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {}

    /// @notice Mints `amount` to `to`.
    /// @param to The recipient.
    /// @param amount The amount.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the token: the next transfer between two accounts calls `target` with `callData` once.
    /// @param target The contract to reenter.
    /// @param callData The calldata of the reentrant call.
    function arm(address target, bytes calldata callData) external {
        reentryTarget = target;
        reentryCallData = callData;
    }

    /// @notice Disarms the token.
    function disarm() external {
        reentryTarget = address(0);
    }

    /// @notice Makes the stored call now, outside any transfer (proves that the calldata itself is valid).
    /// @param target The contract to call.
    /// @return data The call's return data.
    function callStored(address target) external returns (bytes memory data) {
        bool success;
        // solhint-disable-next-line avoid-low-level-calls
        (success, data) = target.call(reentryCallData);
        if (!success) {
            // solhint-disable-next-line no-inline-assembly
            assembly {
                revert(add(data, 32), mload(data))
            }
        }
    }

    /// @dev Moves the balances, then (if armed and this is a transfer, not a mint or burn) reenters once.
    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address target = reentryTarget;
        if (target == address(0) || from == address(0) || to == address(0)) return;
        reentryTarget = address(0);
        // solhint-disable-next-line avoid-low-level-calls
        (bool success, bytes memory data) = target.call(reentryCallData);
        ++reentryCount;
        lastReentryReverted = !success;
        lastReentryData = data;
        emit Reentered(target, !success, data);
    }
}
