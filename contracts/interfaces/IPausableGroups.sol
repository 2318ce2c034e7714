// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IPausableGroups
/// @notice Pausing by function group, shared by every core contract. Each contract defines up to 8 groups as bit
/// positions (its GROUP_* constants); a paused group makes every function in it revert with `GroupPaused`.
interface IPausableGroups {
    /// @notice A function of a paused group was called.
    /// @param group The bit index of the paused group.
    error GroupPaused(uint8 group);

    /// @notice The paused-groups bitmap changed.
    /// @param account The pauser or admin that changed it.
    /// @param pausedGroups The new bitmap (bit i set = group i paused).
    event PausedGroupsSet(address indexed account, uint256 pausedGroups);

    /// @notice Pauses the groups whose bits are set in `groups`. Role: PAUSER_ROLE.
    /// @param groups Bitmap of the groups to pause (added to the groups already paused; bits above 7 are ignored).
    function pause(uint256 groups) external;

    /// @notice Unpauses the groups whose bits are set in `groups`. Role: DEFAULT_ADMIN_ROLE.
    /// @param groups Bitmap of the groups to unpause.
    function unpause(uint256 groups) external;

    /// @notice The bitmap of paused groups.
    /// @return The bitmap (bit i set = group i paused).
    function pausedGroups() external view returns (uint256);
}
