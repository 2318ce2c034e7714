// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {STREAM_SLOTS} from "./ConstantsLib.sol";

/// @dev Number of words that hold a staker's packed debts in one pool: two debts per word.
uint256 constant DEBT_WORDS = STREAM_SLOTS / 2;

/// @title RewardDebtLib
/// @notice A staker's signed reward debts in one pool's stream slots (docs/rewards.md, "One signed debt per staker and
/// slot"), two to a storage word. A debt is a full `int256`: one that an `int128` holds is stored in its half of a
/// word (`words[i / 2]`, low half for even `i`); any other debt is stored whole in `spilled[i]`, and its half then
/// holds the marker SPILLED (`type(int128).min`, which is itself always spilled). Reading and writing are exact for
/// every `int256`: packing never reverts and never truncates, so a pool whose reward per share grew while its stake
/// was dust cannot be locked; it only costs the extra slot for the debts that need it.
library RewardDebtLib {
    /// @dev The half-word marker of a debt kept whole in `spilled`.
    int256 internal constant SPILLED = type(int128).min;

    /// @notice The debts of one staker in one pool.
    /// @param words Two debts per word, as `int128` halves (or SPILLED).
    /// @param spilled The debts that an `int128` does not hold (read only where the half is SPILLED).
    struct Debts {
        uint256[DEBT_WORDS] words;
        int256[STREAM_SLOTS] spilled;
    }

    /// @dev The word that holds slot `i`'s debt.
    function wordOf(Debts storage d, uint256 i) internal view returns (uint256) {
        return d.words[i >> 1];
    }

    /// @dev Slot `i`'s debt, given the word that holds it (`wordOf(d, i)`).
    function get(Debts storage d, uint256 word, uint256 i) internal view returns (int256 debt) {
        debt = int128(uint128(word >> ((i & 1) << 7)));
        if (debt == SPILLED) debt = d.spilled[i];
    }

    /// @dev `word` with slot `i`'s debt set to `debt` (written to `spilled[i]` if it needs more than 128 bits). The
    /// caller stores the word (`setWord`).
    function set(Debts storage d, uint256 word, uint256 i, int256 debt) internal returns (uint256) {
        if (debt <= SPILLED || debt > type(int128).max) {
            d.spilled[i] = debt;
            debt = SPILLED;
        }
        uint256 shift = (i & 1) << 7;
        return (word & ~(uint256(type(uint128).max) << shift)) | (uint256(uint128(int128(debt))) << shift);
    }

    /// @dev Stores the word that holds slot `i`'s debt.
    function setWord(Debts storage d, uint256 i, uint256 word) internal {
        d.words[i >> 1] = word;
    }
}
