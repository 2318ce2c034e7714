// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IAVSRegistrar} from "../interfaces/IAVSRegistrar.sol";

/// @notice Test-only AVS registrar with a switchable behaviour, to show that a registrar can reject a registration but
/// cannot block a deregistration however it misbehaves. Successful calls are recorded.
contract MockAVSRegistrar is IAVSRegistrar {
    /// @notice How the registrar answers.
    /// @dev Accept: both hooks succeed. RevertOnRegister: `onOperatorRegistered` reverts with `RegistrationRejected`.
    /// RevertOnDeregister: `onOperatorDeregistered` reverts with `DeregistrationRejected`. BurnGasOnDeregister:
    /// `onOperatorDeregistered` loops until it runs out of gas. RevertHugeDataOnDeregister: `onOperatorDeregistered`
    /// reverts with `garbageSize` bytes of garbage. ReturnHugeDataOnDeregister: `onOperatorDeregistered` succeeds and
    /// returns `garbageSize` bytes of garbage.
    enum Mode {
        Accept,
        RevertOnRegister,
        RevertOnDeregister,
        BurnGasOnDeregister,
        RevertHugeDataOnDeregister,
        ReturnHugeDataOnDeregister
    }

    /// @notice The registration was rejected.
    /// @param operator The operator that tried to register.
    error RegistrationRejected(address operator);
    /// @notice The deregistration hook refused the call.
    /// @param operator The operator that deregistered.
    error DeregistrationRejected(address operator);

    /// @notice A registration was accepted.
    /// @param caller The contract that called the hook.
    /// @param operator The operator.
    /// @param avs The AVS.
    /// @param data The data the operator passed.
    event RegistrationRecorded(address indexed caller, address indexed operator, address indexed avs, bytes data);
    /// @notice A deregistration hook completed.
    /// @param caller The contract that called the hook.
    /// @param operator The operator.
    /// @param avs The AVS.
    event DeregistrationRecorded(address indexed caller, address indexed operator, address indexed avs);

    /// @notice The current behaviour.
    Mode public mode;
    /// @notice Bytes of garbage returned (or reverted with) in the huge-data modes.
    uint256 public garbageSize;
    /// @notice Registrations accepted so far.
    uint256 public registrations;
    /// @notice Deregistration hooks completed so far.
    uint256 public deregistrations;
    /// @notice The caller of the last successful hook.
    address public lastCaller;
    /// @notice The operator of the last successful hook.
    address public lastOperator;
    /// @notice The AVS of the last successful hook.
    address public lastAVS;
    /// @notice The data of the last accepted registration.
    bytes public lastData;
    /// @notice The gas left when the last completed deregistration hook started (what the caller forwarded, less
    /// the dispatch).
    uint256 public lastGasLeft;

    /// @notice Sets the behaviour.
    /// @param mode_ The new mode.
    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @notice Sets the size of the garbage returned in the huge-data modes.
    /// @param size The size in bytes.
    function setGarbageSize(uint256 size) external {
        garbageSize = size;
    }

    /// @inheritdoc IAVSRegistrar
    function onOperatorRegistered(address operator, address avs, bytes calldata data) external {
        if (mode == Mode.RevertOnRegister) revert RegistrationRejected(operator);
        ++registrations;
        (lastCaller, lastOperator, lastAVS) = (msg.sender, operator, avs);
        lastData = data;
        emit RegistrationRecorded(msg.sender, operator, avs, data);
    }

    /// @inheritdoc IAVSRegistrar
    function onOperatorDeregistered(address operator, address avs) external {
        uint256 gasAtEntry = gasleft();
        Mode m = mode;
        if (m == Mode.RevertOnDeregister) revert DeregistrationRejected(operator);
        if (m == Mode.BurnGasOnDeregister) _burnAllGas();
        if (m == Mode.RevertHugeDataOnDeregister) _garbage(false);
        ++deregistrations;
        lastGasLeft = gasAtEntry;
        (lastCaller, lastOperator, lastAVS) = (msg.sender, operator, avs);
        emit DeregistrationRecorded(msg.sender, operator, avs);
        if (m == Mode.ReturnHugeDataOnDeregister) _garbage(true);
    }

    /// @dev Loops until every unit of gas the call received is spent.
    function _burnAllGas() private pure {
        uint256 i;
        while (true) {
            unchecked {
                ++i;
            }
        }
    }

    /// @dev Ends the call with `garbageSize` bytes of 0xff, as a successful return or as a revert.
    function _garbage(bool success) private view {
        uint256 size = garbageSize;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            for {
                let i := 0
            } lt(i, size) {
                i := add(i, 0x20)
            } {
                mstore(add(ptr, i), not(0))
            }
            switch success
            case 0 {
                revert(ptr, size)
            }
            default {
                return(ptr, size)
            }
        }
    }
}
