// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ConstantsLib} from "./ConstantsLib.sol";

/// @title WithdrawalIdLib
/// @notice A withdrawal id names its staker and the staker's nonce: `uint256(uint160(staker)) << 96 | nonce`.
library WithdrawalIdLib {
    function toId(address staker, uint64 nonce) internal pure returns (uint256) {
        return (uint256(uint160(staker)) << ConstantsLib.WITHDRAWAL_NONCE_BITS) | nonce;
    }

    function staker(uint256 id) internal pure returns (address) {
        return address(uint160(id >> ConstantsLib.WITHDRAWAL_NONCE_BITS));
    }
}
