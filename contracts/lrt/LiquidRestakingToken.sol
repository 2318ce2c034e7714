// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20PermitUpgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";

import {ProtocolUpgradeable} from "../core/ProtocolUpgradeable.sol";
import {ILiquidRestakingToken} from "../interfaces/ILiquidRestakingToken.sol";
import {ILRTManager} from "../interfaces/ILRTManager.sol";

/// @title LiquidRestakingToken
/// @notice See {ILiquidRestakingToken}. 18 decimals; transfers are never paused (the manager pauses its own flows).
contract LiquidRestakingToken is ProtocolUpgradeable, ERC20PermitUpgradeable, ILiquidRestakingToken {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @custom:storage-location erc7201:restaking.storage.LiquidRestakingToken
    struct TokenStorage {
        address manager;
        uint8 pausedGroups;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.LiquidRestakingToken")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant TOKEN_STORAGE_LOCATION =
        0x1122ed61e9ae9a5c73d5e661a7fb60e245d7f4010a93bfc08f9ea4bcf9803800;

    /// @notice Initializes the proxy: `admin` gets DEFAULT_ADMIN_ROLE and PAUSER_ROLE.
    /// @param admin The admin (a timelock in deployments).
    /// @param name_ The token name (also the EIP-712 domain name).
    /// @param symbol_ The symbol.
    function initialize(address admin, string calldata name_, string calldata symbol_) external initializer {
        if (admin == address(0)) revert ZeroAddress();
        __Protocol_init(admin);
        __ERC20_init(name_, symbol_);
        __ERC20Permit_init(name_);
    }

    /// @inheritdoc ILiquidRestakingToken
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @inheritdoc ILiquidRestakingToken
    function burn(address from, uint256 amount) external onlyRole(MINTER_ROLE) {
        _burn(from, amount);
    }

    /// @inheritdoc ILiquidRestakingToken
    function escrowFrom(address owner, address spender, uint256 amount) external onlyRole(MINTER_ROLE) {
        if (spender != owner) _spendAllowance(owner, spender, amount);
        _transfer(owner, msg.sender, amount);
    }

    /// @inheritdoc ILiquidRestakingToken
    function setManager(address manager) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (manager == address(0)) revert ZeroAddress();
        _getTokenStorage().manager = manager;
        emit ManagerSet(manager);
    }

    /// @inheritdoc ILiquidRestakingToken
    function vault(address asset) external view returns (address) {
        address manager = _getTokenStorage().manager;
        return manager == address(0) ? address(0) : ILRTManager(manager).entryPoint(asset);
    }

    function _pausedGroups() internal view override returns (uint8) {
        return _getTokenStorage().pausedGroups;
    }

    function _setPausedGroups(uint8 groups) internal override {
        _getTokenStorage().pausedGroups = groups;
    }

    function _getTokenStorage() private pure returns (TokenStorage storage $) {
        assembly {
            $.slot := TOKEN_STORAGE_LOCATION
        }
    }
}
