// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {EIP712Upgradeable} from "@openzeppelin/contracts-upgradeable/utils/cryptography/EIP712Upgradeable.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {IOperatorRegistry} from "../interfaces/IOperatorRegistry.sol";
import {IRestakingVault} from "../interfaces/IRestakingVault.sol";
import {ProtocolUpgradeable} from "./ProtocolUpgradeable.sol";

/// @title OperatorRegistry
/// @notice See {IOperatorRegistry}.
contract OperatorRegistry is ProtocolUpgradeable, EIP712Upgradeable, IOperatorRegistry {
    uint16 public constant MAX_COMMISSION_BPS = 5_000;
    uint256 public constant COMMISSION_DELAY_BUFFER = 1 days;
    bytes32 public constant DELEGATION_APPROVAL_TYPEHASH =
        keccak256("DelegationApproval(address staker,address operator,address approver,bytes32 salt,uint256 expiry)");

    uint8 public constant GROUP_OPERATORS = 0;
    uint8 public constant GROUP_DELEGATION = 1;

    /// @custom:storage-location erc7201:restaking.storage.OperatorRegistry
    struct RegistryStorage {
        IRestakingVault vault;
        uint8 pausedGroups;
        mapping(address operator => Operator) operators;
        mapping(address approver => mapping(bytes32 salt => bool)) spentSalts;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.OperatorRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REGISTRY_STORAGE_LOCATION =
        0x853121b1f79b4cd502df9f9adc363742e576e70c408737fdd1e4765dc5b13e00;

    /// @notice Initializes the proxy.
    /// @param admin The admin (a timelock in deployments).
    /// @param vault_ The vault.
    function initialize(address admin, address vault_) external initializer {
        if (admin == address(0) || vault_ == address(0)) revert ZeroAddress();
        __Protocol_init(admin);
        __EIP712_init("OperatorRegistry", "1");
        _getRegistryStorage().vault = IRestakingVault(vault_);
    }

    /// @inheritdoc IOperatorRegistry
    function registerAsOperator(
        string calldata metadataURI,
        uint16 commissionBps_,
        address delegationApprover
    ) external nonReentrant whenNotPaused(GROUP_OPERATORS) {
        RegistryStorage storage $ = _getRegistryStorage();
        Operator storage op = $.operators[msg.sender];
        if (op.registered) revert AlreadyOperator(msg.sender);
        if (commissionBps_ > MAX_COMMISSION_BPS) revert CommissionTooHigh(commissionBps_, MAX_COMMISSION_BPS);
        $.operators[msg.sender] = Operator({
            delegationApprover: delegationApprover,
            commissionBps: commissionBps_,
            pendingCommissionBps: 0,
            commissionEffectAt: 0,
            registered: true
        });
        emit OperatorRegistered(msg.sender, metadataURI, commissionBps_, delegationApprover);
        $.vault.delegate(msg.sender, msg.sender);
    }

    /// @inheritdoc IOperatorRegistry
    function updateMetadataURI(string calldata metadataURI) external {
        _requireOperator(_getRegistryStorage(), msg.sender);
        emit OperatorMetadataURIUpdated(msg.sender, metadataURI);
    }

    /// @inheritdoc IOperatorRegistry
    function setDelegationApprover(address delegationApprover) external whenNotPaused(GROUP_OPERATORS) {
        RegistryStorage storage $ = _getRegistryStorage();
        _requireOperator($, msg.sender);
        $.operators[msg.sender].delegationApprover = delegationApprover;
        emit DelegationApproverSet(msg.sender, delegationApprover);
    }

    /// @inheritdoc IOperatorRegistry
    function queueCommission(uint16 bps) external whenNotPaused(GROUP_OPERATORS) {
        RegistryStorage storage $ = _getRegistryStorage();
        _requireOperator($, msg.sender);
        if (bps > MAX_COMMISSION_BPS) revert CommissionTooHigh(bps, MAX_COMMISSION_BPS);
        Operator storage op = $.operators[msg.sender];
        if (op.commissionEffectAt != 0 && op.commissionEffectAt <= block.timestamp) {
            op.commissionBps = op.pendingCommissionBps;
        }
        uint256 effectAt = block.timestamp + _commissionDelay($);
        op.pendingCommissionBps = bps;
        op.commissionEffectAt = uint40(effectAt);
        emit CommissionQueued(msg.sender, bps, effectAt);
    }

    /// @inheritdoc IOperatorRegistry
    function delegateTo(
        address operator,
        ApproverSignature calldata approverSignature,
        bytes32 approverSalt
    ) external nonReentrant whenNotPaused(GROUP_DELEGATION) {
        _delegate(_getRegistryStorage(), msg.sender, operator, approverSignature, approverSalt);
    }

    /// @inheritdoc IOperatorRegistry
    function undelegate(
        address staker
    ) external nonReentrant whenNotPaused(GROUP_DELEGATION) returns (uint256[] memory) {
        return _undelegate(_getRegistryStorage(), staker);
    }

    /// @inheritdoc IOperatorRegistry
    function redelegate(
        address newOperator,
        ApproverSignature calldata approverSignature,
        bytes32 approverSalt
    ) external nonReentrant whenNotPaused(GROUP_DELEGATION) returns (uint256[] memory withdrawalIds) {
        RegistryStorage storage $ = _getRegistryStorage();
        withdrawalIds = _undelegate($, msg.sender);
        _delegate($, msg.sender, newOperator, approverSignature, approverSalt);
    }

    /* VIEWS */

    /// @inheritdoc IOperatorRegistry
    function isOperator(address account) external view returns (bool) {
        return _getRegistryStorage().operators[account].registered;
    }

    /// @inheritdoc IOperatorRegistry
    function operatorDetails(address operator) external view returns (Operator memory) {
        return _getRegistryStorage().operators[operator];
    }

    /// @inheritdoc IOperatorRegistry
    function commissionBps(address operator) external view returns (uint16) {
        Operator storage op = _getRegistryStorage().operators[operator];
        uint40 effectAt = op.commissionEffectAt;
        return effectAt != 0 && effectAt <= block.timestamp ? op.pendingCommissionBps : op.commissionBps;
    }

    /// @inheritdoc IOperatorRegistry
    function commissionDelay() external view returns (uint256) {
        return _commissionDelay(_getRegistryStorage());
    }

    /// @inheritdoc IOperatorRegistry
    function isSaltSpent(address approver, bytes32 salt) external view returns (bool) {
        return _getRegistryStorage().spentSalts[approver][salt];
    }

    /// @inheritdoc IOperatorRegistry
    function delegationApprovalDigest(
        address staker,
        address operator,
        address approver,
        bytes32 salt,
        uint256 expiry
    ) public view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(abi.encode(DELEGATION_APPROVAL_TYPEHASH, staker, operator, approver, salt, expiry))
            );
    }

    /// @inheritdoc IOperatorRegistry
    function vault() external view returns (address) {
        return address(_getRegistryStorage().vault);
    }

    /* INTERNAL */

    function _delegate(
        RegistryStorage storage $,
        address staker,
        address operator,
        ApproverSignature calldata approverSignature,
        bytes32 salt
    ) internal {
        Operator storage op = $.operators[operator];
        if (!op.registered) revert NotOperator(operator);
        address approver = op.delegationApprover;
        if (approver != address(0) && msg.sender != approver && msg.sender != operator) {
            if (approverSignature.expiry < block.timestamp) {
                revert SignatureExpired(approverSignature.expiry, block.timestamp);
            }
            if ($.spentSalts[approver][salt]) revert SaltSpent(approver, salt);
            bytes32 digest = delegationApprovalDigest(staker, operator, approver, salt, approverSignature.expiry);
            if (!SignatureChecker.isValidSignatureNow(approver, digest, approverSignature.signature)) {
                revert InvalidSignature();
            }
            $.spentSalts[approver][salt] = true;
            emit ApproverSaltSpent(approver, salt, staker, operator);
        }
        $.vault.delegate(staker, operator);
    }

    function _undelegate(RegistryStorage storage $, address staker) internal returns (uint256[] memory ids) {
        if ($.operators[staker].registered) revert OperatorCannotUndelegate(staker);
        address operator = $.vault.delegatedTo(staker);
        if (operator == address(0)) revert StakerNotDelegated(staker);
        if (msg.sender != staker && msg.sender != operator && msg.sender != $.operators[operator].delegationApprover) {
            revert NotAuthorizedToUndelegate(msg.sender, staker);
        }
        (, ids) = $.vault.undelegate(staker);
        emit StakerUndelegated(staker, operator, msg.sender, ids);
    }

    function _commissionDelay(RegistryStorage storage $) internal view returns (uint256) {
        return $.vault.withdrawalDelay() + COMMISSION_DELAY_BUFFER;
    }

    function _requireOperator(RegistryStorage storage $, address account) internal view {
        if (!$.operators[account].registered) revert NotOperator(account);
    }

    function _pausedGroups() internal view override returns (uint8) {
        return _getRegistryStorage().pausedGroups;
    }

    function _setPausedGroups(uint8 groups) internal override {
        _getRegistryStorage().pausedGroups = groups;
    }

    function _getRegistryStorage() private pure returns (RegistryStorage storage $) {
        assembly {
            $.slot := REGISTRY_STORAGE_LOCATION
        }
    }
}
