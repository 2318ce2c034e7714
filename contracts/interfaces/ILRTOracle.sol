// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IRateAdapter} from "./IRateAdapter.sol";

/// @title ILRTOracleTypes
interface ILRTOracleTypes {
    /// @notice The configuration and stored price of an asset. `adapter` gives the rate in ETH wei per 1e18 units of
    /// the asset; `price` is ETH wei per whole token (10 ** decimals units), written at `updatedAt`.
    struct AssetConfig {
        IRateAdapter adapter;
        uint32 maxAge;
        uint16 maxMoveBps;
        uint8 decimals;
        uint8 index;
        bool listed;
        uint128 price;
        uint40 updatedAt;
    }
}

/// @title ILRTOracleErrors
/// @notice The oracle's errors besides `UnknownAsset` and `StalePrice`, which `ILRTOracle` itself declares (the LRT
/// reads those two).
interface ILRTOracleErrors {
    /// @notice The zero address was given where one is required.
    error ZeroAddress();
    /// @notice `asset` has a price source already.
    error AssetAlreadyListed(address asset);
    /// @notice The asset list is full (`max` assets).
    error TooManyAssets(uint256 max);
    /// @notice The adapter prices `adapterAsset`, not `asset`.
    error AdapterAssetMismatch(address asset, address adapterAsset);
    /// @notice `maxAge` is outside [`min`, `max`] seconds.
    error MaxAgeOutOfBounds(uint256 maxAge, uint256 min, uint256 max);
    /// @notice `maxMoveBps` is outside [`min`, `max`].
    error MaxMoveOutOfBounds(uint256 maxMoveBps, uint256 min, uint256 max);
    /// @notice The minimum interval between updates is above `max` seconds.
    error MinUpdateIntervalTooLong(uint256 minUpdateInterval, uint256 max);
    /// @notice The asset's decimals are above `max`.
    error UnsupportedDecimals(address asset, uint256 decimals, uint256 max);
    /// @notice The adapter of `asset` reported a zero rate, or one that prices a whole token at zero wei.
    error ZeroPrice(address asset);
    /// @notice The price does not fit the stored 128 bits.
    error PriceTooLarge(address asset, uint256 newPrice);
    /// @notice The new price moves more than `maxMoveBps` away from the stored price `oldPrice`.
    error PriceMoveTooLarge(address asset, uint256 oldPrice, uint256 newPrice, uint256 maxMoveBps);
    /// @notice The price of `asset` was updated at `updatedAt`; the next update may come `minUpdateInterval` later.
    error UpdateTooSoon(address asset, uint256 updatedAt, uint256 minUpdateInterval);
    /// @notice The adapter's price is outside the [`minPrice`, `maxPrice`] range the admin expected for a reset.
    error ResetPriceOutOfRange(address asset, uint256 newPrice, uint256 minPrice, uint256 maxPrice);
}

/// @title ILRTOracleEvents
interface ILRTOracleEvents {
    /// @notice `asset` was given a price source.
    /// @param asset The asset.
    /// @param adapter Its rate adapter.
    /// @param decimals Its decimals (read once, when listed).
    /// @param index Its index in the asset list.
    event AssetAdded(address indexed asset, address indexed adapter, uint8 decimals, uint8 index);
    /// @notice `asset` lost its price source; the asset listed last took its `index` (swap and pop).
    /// @param asset The asset removed.
    /// @param index The index it had.
    event AssetRemoved(address indexed asset, uint8 index);
    /// @notice The rate adapter of `asset` changed. The stored price stays until the next update, which is bounded
    /// against it.
    /// @param asset The asset.
    /// @param adapter The new adapter.
    event AdapterSet(address indexed asset, address indexed adapter);
    /// @notice The staleness and move bounds of `asset` changed.
    /// @param asset The asset.
    /// @param maxAge Seconds after an update during which `price` returns the stored price.
    /// @param maxMoveBps The largest move per update, in basis points of the stored price.
    event BoundsSet(address indexed asset, uint256 maxAge, uint256 maxMoveBps);
    /// @notice The minimum interval between two updates of one asset's price changed.
    /// @param minUpdateInterval Seconds.
    event MinUpdateIntervalSet(uint256 minUpdateInterval);
    /// @notice The stored price of `asset` was written from its adapter (by `updatePrice`, or when listed).
    /// @param asset The asset.
    /// @param oldPrice The price before (0 when listed).
    /// @param newPrice The price now, ETH wei per whole token.
    /// @param updatedAt The block timestamp of the update.
    event PriceUpdated(address indexed asset, uint256 oldPrice, uint256 newPrice, uint256 updatedAt);
    /// @notice The oracle admin wrote the adapter's price of `asset` without the move bound (after a legitimate large
    /// move).
    /// @param asset The asset.
    /// @param admin The account that reset it.
    /// @param oldPrice The price before.
    /// @param newPrice The price now, ETH wei per whole token.
    /// @param updatedAt The block timestamp of the reset.
    event PriceReset(
        address indexed asset,
        address indexed admin,
        uint256 oldPrice,
        uint256 newPrice,
        uint256 updatedAt
    );
}

/// @title ILRTOracle
/// @notice The price, in ETH, of each asset the liquid restaking token accepts (docs/lrt.md, "Oracle"; docs/oracle.md).
/// Each asset has a rate adapter; `updatePrice` (anyone) copies the adapter's rate into a stored price, rejecting a
/// zero price and a move larger than the asset's `maxMoveBps` against the stored price; `price` returns the stored
/// price and rejects it once it is older than the asset's `maxAge`.
interface ILRTOracle is ILRTOracleTypes, ILRTOracleErrors, ILRTOracleEvents {
    /// @notice `asset` has no price source.
    error UnknownAsset(address asset);
    /// @notice The stored price of `asset` was last updated at `updatedAt`, more than `maxAge` seconds ago.
    error StalePrice(address asset, uint256 updatedAt, uint256 maxAge);

    /// @notice Lists `asset` with its rate adapter and bounds, and stores the adapter's current price (the admin
    /// vouches for it: no move bound applies to the first price). Role: ORACLE_ADMIN_ROLE.
    /// @param asset The asset (ERC-20 with `decimals()`, at most 36).
    /// @param adapter Its rate adapter; `adapter.asset()` must be `asset`.
    /// @param maxAge Staleness bound, seconds, within [MIN_MAX_AGE, MAX_MAX_AGE].
    /// @param maxMoveBps Move bound per update, within [1, MAX_MOVE_BPS].
    function addAsset(address asset, IRateAdapter adapter, uint256 maxAge, uint256 maxMoveBps) external;

    /// @notice Removes `asset`: `price(asset)` reverts UnknownAsset from then on (an LRT that still holds the asset
    /// stops pricing; remove an asset only once the LRT holds none). Role: ORACLE_ADMIN_ROLE.
    /// @param asset The asset.
    function removeAsset(address asset) external;

    /// @notice Replaces the rate adapter of `asset`. The stored price stays; the next update is bounded against it.
    /// Role: ORACLE_ADMIN_ROLE.
    /// @param asset The asset.
    /// @param adapter The new adapter; `adapter.asset()` must be `asset`.
    function setAdapter(address asset, IRateAdapter adapter) external;

    /// @notice Sets the staleness and move bounds of `asset`. Role: ORACLE_ADMIN_ROLE.
    /// @param asset The asset.
    /// @param maxAge Staleness bound, seconds, within [MIN_MAX_AGE, MAX_MAX_AGE].
    /// @param maxMoveBps Move bound per update, within [1, MAX_MOVE_BPS].
    function setBounds(address asset, uint256 maxAge, uint256 maxMoveBps) external;

    /// @notice Sets the minimum interval between two updates of one asset's price (0: none). With it, a price can
    /// walk at most `maxMoveBps` per interval, however its source is pushed. Role: ORACLE_ADMIN_ROLE.
    /// @param interval Seconds, at most MAX_MIN_UPDATE_INTERVAL (below MIN_MAX_AGE, so that a price can always be
    /// refreshed before it goes stale).
    function setMinUpdateInterval(uint256 interval) external;

    /// @notice Stores the adapter's current price of `asset` (anyone may call). Reverts ZeroPrice, PriceMoveTooLarge
    /// (a move beyond `maxMoveBps` of the stored price) or UpdateTooSoon. Pause group GROUP_UPDATES.
    /// @param asset The asset.
    /// @return newPrice The price stored, ETH wei per whole token.
    function updatePrice(address asset) external returns (uint256 newPrice);

    /// @notice Stores the adapter's current price of `asset` without the move bound or the minimum interval, after a
    /// legitimate move larger than the bound (e.g. an LST slashed). The price must lie in [`minPrice`, `maxPrice`],
    /// so that a reset cannot store a value the adapter reports only at that moment. Role: ORACLE_ADMIN_ROLE.
    /// @param asset The asset.
    /// @param minPrice The lowest price the admin accepts.
    /// @param maxPrice The highest price the admin accepts.
    /// @return newPrice The price stored.
    function resetPrice(address asset, uint256 minPrice, uint256 maxPrice) external returns (uint256 newPrice);

    /// @notice The ETH value, with 18 decimals, of one whole unit (10 ** decimals) of `asset`. Reverts UnknownAsset
    /// or StalePrice rather than return a price that is unknown or too old.
    /// @param asset The asset.
    /// @return The price in wei per whole token.
    function price(address asset) external view returns (uint256);

    /// @notice The stored price of `asset` (staleness-checked as `price`) and the adapter's price now, the latter
    /// clamped to the stored price's move bound, in order: what the next `updatePrice` can store lies in
    /// [`low`, `high`]. An LRT values its holdings at `high` and what it takes in at `low` on entry, the reverse on exit,
    /// so that nobody profits from entering before an update and leaving after it. An adapter that reverts or reports 0
    /// gives the whole move bound around the stored price.
    /// @param asset The asset.
    /// @return low The lower of the two prices.
    /// @return high The higher of the two prices.
    function priceRange(address asset) external view returns (uint256 low, uint256 high);

    /// @notice The price the adapter of `asset` reports now, converted to ETH wei per whole token, without storing it
    /// and without the bounds (what the next `updatePrice` would store if it passes them).
    /// @param asset The asset.
    /// @return The adapter's price.
    function adapterPrice(address asset) external view returns (uint256);

    /// @notice The configuration and stored price of `asset` (all zero when unlisted), without the staleness check:
    /// for dashboards that show oracle freshness.
    /// @param asset The asset.
    /// @return The asset's configuration.
    function assetConfig(address asset) external view returns (AssetConfig memory);

    /// @notice The listed assets, in list order.
    /// @return The assets.
    function assets() external view returns (address[] memory);

    /// @notice The minimum interval between two updates of one asset's price.
    /// @return Seconds.
    function minUpdateInterval() external view returns (uint256);
}
