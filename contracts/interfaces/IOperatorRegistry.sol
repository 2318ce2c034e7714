// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title IOperatorRegistryTypes
interface IOperatorRegistryTypes {
    /// @notice An operator. `pendingCommissionBps` replaces `commissionBps` at `commissionEffectAt` (0 = none pending).
    struct Operator {
        address delegationApprover;
        uint16 commissionBps;
        uint16 pendingCommissionBps;
        uint40 commissionEffectAt;
        bool registered;
    }

    /// @notice An EIP-712 approval of a delegation by the operator's delegation approver.
    /// @param signature The approver's signature (ECDSA, or ERC-1271 when the approver is a contract).
    /// @param expiry The last timestamp at which the signature is valid.
    struct ApproverSignature {
        bytes signature;
        uint256 expiry;
    }
}

/// @title IOperatorRegistryErrors
interface IOperatorRegistryErrors {
    /// @notice The account is registered as an operator already.
    error AlreadyOperator(address operator);
    /// @notice The account is not a registered operator.
    error NotOperator(address account);
    /// @notice The commission is above the protocol cap.
    error CommissionTooHigh(uint256 bps, uint256 max);
    /// @notice The approver signature expired.
    error SignatureExpired(uint256 expiry, uint256 timestamp);
    /// @notice The approver's salt was used already.
    error SaltSpent(address approver, bytes32 salt);
    /// @notice The approver signature does not verify.
    error InvalidSignature();
    /// @notice The caller may not undelegate this staker.
    error NotAuthorizedToUndelegate(address caller, address staker);
    /// @notice An operator cannot undelegate from itself.
    error OperatorCannotUndelegate(address operator);
    /// @notice The staker is not delegated.
    error StakerNotDelegated(address staker);
    /// @notice The zero address was given.
    error ZeroAddress();
}

/// @title IOperatorRegistryEvents
interface IOperatorRegistryEvents {
    /// @notice `operator` registered with its metadata, commission and delegation approver.
    event OperatorRegistered(
        address indexed operator,
        string metadataURI,
        uint256 commissionBps,
        address delegationApprover
    );
    /// @notice `operator` updated its metadata URI.
    event OperatorMetadataURIUpdated(address indexed operator, string metadataURI);
    /// @notice `operator` set its delegation approver (address(0) = anyone may delegate).
    event DelegationApproverSet(address indexed operator, address indexed delegationApprover);
    /// @notice `operator` queued a commission of `bps`, in force from `effectAt`.
    event CommissionQueued(address indexed operator, uint256 bps, uint256 effectAt);
    /// @notice The approver's `salt` was spent on an approval of `staker`'s delegation to `operator`.
    event ApproverSaltSpent(address indexed approver, bytes32 indexed salt, address staker, address operator);
    /// @notice `staker` was undelegated from `operator` by `caller`; `withdrawalIds` were queued.
    event StakerUndelegated(address indexed staker, address indexed operator, address caller, uint256[] withdrawalIds);
}

/// @title IOperatorRegistry
/// @notice Operators register here; stakers delegate, undelegate and redelegate. Delegation state is kept by the
/// vault, which moves the shares; this contract authorizes the moves.
interface IOperatorRegistry is IOperatorRegistryTypes, IOperatorRegistryErrors, IOperatorRegistryEvents {
    /// @notice Registers the caller as an operator, delegated to itself.
    /// @param metadataURI A URI of the operator's metadata (emitted, not stored).
    /// @param commissionBps The operator's cut of rewards, at most MAX_COMMISSION_BPS; in force at once.
    /// @param delegationApprover An account whose EIP-712 signature every delegation needs, or address(0).
    function registerAsOperator(string calldata metadataURI, uint16 commissionBps, address delegationApprover) external;

    /// @notice Emits a new metadata URI for the calling operator.
    /// @param metadataURI The URI.
    function updateMetadataURI(string calldata metadataURI) external;

    /// @notice Sets the calling operator's delegation approver.
    /// @param delegationApprover The approver, or address(0).
    function setDelegationApprover(address delegationApprover) external;

    /// @notice Queues a new commission for the calling operator; it takes effect after `commissionDelay()`, so
    /// that stakers can leave first. A later call replaces a pending change.
    /// @param bps The new commission, at most MAX_COMMISSION_BPS.
    function queueCommission(uint16 bps) external;

    /// @notice Delegates the caller to `operator`, moving its undelegated shares into the operator's pools. Reverts
    /// with the vault's `AlreadyDelegated` if the caller is delegated.
    /// @param operator A registered operator.
    /// @param approverSignature The approver's signature and expiry (ignored when the operator has no approver).
    /// @param approverSalt A salt the approver has not spent.
    function delegateTo(address operator, ApproverSignature calldata approverSignature, bytes32 approverSalt) external;

    /// @notice Undelegates `staker`: every share it holds is queued for withdrawal. Callable by the staker, its
    /// operator, or the operator's delegation approver.
    /// @param staker A delegated staker that is not an operator.
    /// @return withdrawalIds The queued withdrawals.
    function undelegate(address staker) external returns (uint256[] memory withdrawalIds);

    /// @notice Undelegates the caller and delegates it to `newOperator`. The queued withdrawals are completed later
    /// as shares (`completeWithdrawal(id, false)`) into the new operator's pools.
    /// @param newOperator A registered operator.
    /// @param approverSignature The new operator's approver signature.
    /// @param approverSalt A salt the approver has not spent.
    /// @return withdrawalIds The queued withdrawals.
    function redelegate(
        address newOperator,
        ApproverSignature calldata approverSignature,
        bytes32 approverSalt
    ) external returns (uint256[] memory withdrawalIds);

    /// @notice Whether `account` is a registered operator.
    /// @param account The account.
    /// @return True if registered.
    function isOperator(address account) external view returns (bool);

    /// @notice The stored operator record (pending commission not applied).
    /// @param operator The operator.
    /// @return The record.
    function operatorDetails(address operator) external view returns (Operator memory);

    /// @notice The commission in force now for `operator`.
    /// @param operator The operator.
    /// @return The commission in basis points.
    function commissionBps(address operator) external view returns (uint16);

    /// @notice The delay a commission change waits: the vault's withdrawal delay plus COMMISSION_DELAY_BUFFER.
    /// @return The delay in seconds.
    function commissionDelay() external view returns (uint256);

    /// @notice Whether `approver` spent `salt`.
    /// @param approver The approver.
    /// @param salt The salt.
    /// @return True if spent.
    function isSaltSpent(address approver, bytes32 salt) external view returns (bool);

    /// @notice The EIP-712 digest an approver signs to approve `staker`'s delegation to `operator`.
    /// @param staker The staker.
    /// @param operator The operator.
    /// @param approver The operator's approver.
    /// @param salt The salt.
    /// @param expiry The expiry.
    /// @return The digest.
    function delegationApprovalDigest(
        address staker,
        address operator,
        address approver,
        bytes32 salt,
        uint256 expiry
    ) external view returns (bytes32);

    /// @notice The vault whose delegation state this registry drives.
    /// @return The vault.
    function vault() external view returns (address);
}
