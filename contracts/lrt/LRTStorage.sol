// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ILiquidRestakingToken} from "../interfaces/ILiquidRestakingToken.sol";
import {ILRTManagerErrors, ILRTManagerTypes} from "../interfaces/ILRTManager.sol";
import {ILRTOracle} from "../interfaces/ILRTOracle.sol";
import {IRestakingVault} from "../interfaces/IRestakingVault.sol";
import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";
import {ISlashingManager} from "../interfaces/ISlashingManager.sol";

/// @title LRTStorage
/// @notice The LRT manager's ERC-7201 storage layout and the in-memory valuation its libraries share.
library LRTStorage {
    /// @dev A node index meaning "no node": the deposit stays idle.
    uint8 internal constant IDLE = type(uint8).max;

    /// @dev The ERC-7201 namespace erc7201:restaking.storage.LRTManager (at MANAGER_STORAGE_LOCATION). Declared to
    /// OpenZeppelin's upgrade validation by LRTManager.ManagerStorage, which wraps this struct: a namespace in a
    /// library is not validated.
    struct Layout {
        ILiquidRestakingToken token;
        uint8 pausedGroups;
        uint8 assetCount;
        uint8 nodeCount;
        uint8 avsCount;
        IRestakingVault vault;
        ISlashingManager slashing;
        IRewardDistributor rewards;
        address registry;
        ILRTOracle oracle;
        address beacon;
        address treasury;
        address rewardsReceiver;
        ILRTManagerTypes.Policy policy;
        uint256 requestCount;
        address[16] assetList;
        ILRTManagerTypes.NodeInfo[16] nodes;
        address[16] avss;
        address[] otherRewardTokens;
        mapping(address asset => ILRTManagerTypes.AssetConfig) assetConfig;
        mapping(address entryPoint => address) assetOf;
        mapping(uint256 assetIndex => ILRTManagerTypes.AssetBook) books;
        mapping(address operator => bool) hasNode;
        mapping(uint256 nodeIndex => mapping(uint256 assetIndex => ILRTManagerTypes.Position)) positions;
        mapping(uint256 nodeIndex => uint256) exposureCache;
        mapping(uint256 id => ILRTManagerTypes.WithdrawalRecord) withdrawals;
        mapping(uint256 id => ILRTManagerTypes.Request) requests;
        mapping(uint256 assetIndex => mapping(uint256 position => uint256 id)) queues;
        mapping(uint256 assetIndex => mapping(address controller => ILRTManagerTypes.Claimable)) claimables;
        // The sum of `exposureCache` over every node, kept in step by `setExposure`: a deposit's risk check reads it
        // instead of every other node's cached exposure.
        uint256 exposureSum;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.LRTManager")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 internal constant MANAGER_STORAGE_LOCATION =
        0x916e6f1d6a950794474f36c551260bc2d682249703bee422ef9bacdcdc880500;

    /// @dev Total value and its parts, at the entry or the exit price (`exit`). The per-asset arrays have
    /// `assetCount` entries and `nodeValues` has `nodeCount` (LRTValuation.empty): a valuation crosses the external
    /// libraries' ABI at the size of the LRT, not of its bounds. `prices[i]` (0 until asset i is priced) values what
    /// the LRT holds: the oracle's high price at entry, its low price at exit; `tradePrices[i]` values what moves in
    /// or out: the low price at entry, the high price at exit (ILRTOracle.priceRange).
    /// `pendingValue`: the value of the nodes' positions that pending slash requests reserve (rounded up).
    /// `assetValues[a]`: the value held in asset a, idle and in the nodes' pools.
    struct Valuation {
        bool exit;
        uint256 total;
        uint256 supply;
        uint256 freeIdle;
        uint256 pendingValue;
        uint256[] prices;
        uint256[] tradePrices;
        uint256[] nodeValues;
        uint256[] assetValues;
    }

    /// @dev The manager's storage.
    function layout() internal pure returns (Layout storage $) {
        assembly {
            $.slot := MANAGER_STORAGE_LOCATION
        }
    }

    /// @dev Records node `i`'s slash exposure (last computed) and keeps `exposureSum` in step with it.
    function setExposure(Layout storage $, uint256 i, uint256 exposure) internal {
        $.exposureSum = $.exposureSum - $.exposureCache[i] + exposure;
        $.exposureCache[i] = exposure;
    }

    /// @dev The configuration of an accepted `asset`; reverts UnknownAsset otherwise.
    function config(Layout storage $, address asset) internal view returns (ILRTManagerTypes.AssetConfig storage c) {
        c = $.assetConfig[asset];
        if (c.entryPoint == address(0)) revert ILRTManagerErrors.UnknownAsset(asset);
    }
}
