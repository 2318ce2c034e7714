// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {RewardDebtLib} from "../libraries/RewardDebtLib.sol";

/// @notice Test-only harness over one {RewardDebtLib-Debts} record.
contract RewardDebtHarness {
    RewardDebtLib.Debts internal _debts;

    /// @notice Sets slot `i`'s debt as the distributor does: read the word, set the debt in it, store the word.
    /// @param i The slot.
    /// @param debt The debt.
    function set(uint256 i, int256 debt) external {
        uint256 word = RewardDebtLib.wordOf(_debts, i);
        RewardDebtLib.setWord(_debts, i, RewardDebtLib.set(_debts, word, i, debt));
    }

    /// @notice Slot `i`'s debt.
    /// @param i The slot.
    /// @return The debt.
    function get(uint256 i) external view returns (int256) {
        return RewardDebtLib.get(_debts, RewardDebtLib.wordOf(_debts, i), i);
    }

    /// @notice The raw packed word `w` and the raw spilled value of slot `i`.
    /// @param w The word index.
    /// @param i The slot.
    /// @return word The packed word.
    /// @return spilled The spilled value kept for slot `i`.
    function raw(uint256 w, uint256 i) external view returns (uint256 word, int256 spilled) {
        return (_debts.words[w], _debts.spilled[i]);
    }
}
