// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

import {ProtocolUpgradeable} from "../core/ProtocolUpgradeable.sol";
import {ILRTOracle} from "../interfaces/ILRTOracle.sol";
import {IRateAdapter} from "../interfaces/IRateAdapter.sol";
import {ASSET_LIST_LENGTH} from "../libraries/ConstantsLib.sol";
import {OracleMathLib} from "../libraries/OracleMathLib.sol";

/// @title LRTOracle
/// @notice See {ILRTOracle}. One stored price per asset, moved by at most `maxMoveBps` per permissionless update and
/// valid for `maxAge` seconds after it (docs/oracle.md). The LRT's instant-exit fee must be at least the largest
/// `maxMoveBps` of its assets, so that entering before an update and leaving after it cannot profit
/// (docs/oracle.md, "The sandwich argument").
contract LRTOracle is ProtocolUpgradeable, ILRTOracle {
    bytes32 public constant ORACLE_ADMIN_ROLE = keccak256("ORACLE_ADMIN_ROLE");

    /// @notice Pause group of `updatePrice`.
    uint8 public constant GROUP_UPDATES = 0;

    uint256 public constant MAX_ASSETS = ASSET_LIST_LENGTH;
    uint256 public constant MIN_MAX_AGE = 1 hours;
    uint256 public constant MAX_MAX_AGE = 7 days;
    uint256 public constant MIN_MOVE_BPS = 1;
    uint256 public constant MAX_MOVE_BPS = 1_000;
    /// @dev Below MIN_MAX_AGE, so that a price can always be refreshed before it goes stale.
    uint256 public constant MAX_MIN_UPDATE_INTERVAL = 30 minutes;
    uint256 public constant MAX_DECIMALS = 36;

    /// @custom:storage-location erc7201:restaking.storage.LRTOracle
    struct OracleStorage {
        address[ASSET_LIST_LENGTH] assetList;
        mapping(address asset => AssetConfig) configs;
        uint8 assetCount;
        uint8 pausedGroups;
        uint32 minUpdateInterval;
    }

    // keccak256(abi.encode(uint256(keccak256("restaking.storage.LRTOracle")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ORACLE_STORAGE_LOCATION =
        0x10cc645b21b2feb0a31a0f30b23c1cfbc674b9d8bf46cc927468170213b70400;

    /// @notice Initializes the proxy: `admin` gets DEFAULT_ADMIN_ROLE, PAUSER_ROLE and ORACLE_ADMIN_ROLE. No minimum
    /// interval between updates until `setMinUpdateInterval`.
    /// @param admin The admin (a timelock in deployments).
    function initialize(address admin) external initializer {
        if (admin == address(0)) revert ZeroAddress();
        __Protocol_init(admin);
        _grantRole(ORACLE_ADMIN_ROLE, admin);
    }

    /* ADMIN */

    /// @inheritdoc ILRTOracle
    function addAsset(
        address asset,
        IRateAdapter adapter,
        uint256 maxAge,
        uint256 maxMoveBps
    ) external onlyRole(ORACLE_ADMIN_ROLE) {
        if (asset == address(0) || address(adapter) == address(0)) revert ZeroAddress();
        OracleStorage storage $ = _getOracleStorage();
        if ($.configs[asset].listed) revert AssetAlreadyListed(asset);
        uint256 index = $.assetCount;
        if (index == MAX_ASSETS) revert TooManyAssets(MAX_ASSETS);
        _requireAdapterOf(asset, adapter);
        _requireBounds(maxAge, maxMoveBps);
        uint8 decimals = IERC20Metadata(asset).decimals();
        if (decimals > MAX_DECIMALS) revert UnsupportedDecimals(asset, decimals, MAX_DECIMALS);

        $.assetList[index] = asset;
        $.assetCount = uint8(index + 1);
        AssetConfig storage config = $.configs[asset];
        config.adapter = adapter;
        config.maxAge = uint32(maxAge);
        config.maxMoveBps = uint16(maxMoveBps);
        config.decimals = decimals;
        config.index = uint8(index);
        config.listed = true;
        emit AssetAdded(asset, address(adapter), decimals, uint8(index));
        emit BoundsSet(asset, maxAge, maxMoveBps);

        uint256 newPrice = _readPrice(asset, adapter, decimals);
        _store(config, newPrice);
        emit PriceUpdated(asset, 0, newPrice, block.timestamp);
    }

    /// @inheritdoc ILRTOracle
    function removeAsset(address asset) external onlyRole(ORACLE_ADMIN_ROLE) {
        OracleStorage storage $ = _getOracleStorage();
        uint8 index = _requireListed($, asset).index;
        uint256 last = $.assetCount - 1;
        if (index != last) {
            address moved = $.assetList[last];
            $.assetList[index] = moved;
            $.configs[moved].index = index;
        }
        delete $.assetList[last];
        $.assetCount = uint8(last);
        delete $.configs[asset];
        emit AssetRemoved(asset, index);
    }

    /// @inheritdoc ILRTOracle
    function setAdapter(address asset, IRateAdapter adapter) external onlyRole(ORACLE_ADMIN_ROLE) {
        if (address(adapter) == address(0)) revert ZeroAddress();
        AssetConfig storage config = _requireListed(_getOracleStorage(), asset);
        _requireAdapterOf(asset, adapter);
        config.adapter = adapter;
        emit AdapterSet(asset, address(adapter));
    }

    /// @inheritdoc ILRTOracle
    function setBounds(address asset, uint256 maxAge, uint256 maxMoveBps) external onlyRole(ORACLE_ADMIN_ROLE) {
        AssetConfig storage config = _requireListed(_getOracleStorage(), asset);
        _requireBounds(maxAge, maxMoveBps);
        config.maxAge = uint32(maxAge);
        config.maxMoveBps = uint16(maxMoveBps);
        emit BoundsSet(asset, maxAge, maxMoveBps);
    }

    /// @inheritdoc ILRTOracle
    function setMinUpdateInterval(uint256 interval) external onlyRole(ORACLE_ADMIN_ROLE) {
        if (interval > MAX_MIN_UPDATE_INTERVAL) revert MinUpdateIntervalTooLong(interval, MAX_MIN_UPDATE_INTERVAL);
        _getOracleStorage().minUpdateInterval = uint32(interval);
        emit MinUpdateIntervalSet(interval);
    }

    /// @inheritdoc ILRTOracle
    function resetPrice(
        address asset,
        uint256 minPrice,
        uint256 maxPrice
    ) external onlyRole(ORACLE_ADMIN_ROLE) returns (uint256 newPrice) {
        AssetConfig storage config = _requireListed(_getOracleStorage(), asset);
        newPrice = _readPrice(asset, config.adapter, config.decimals);
        if (newPrice < minPrice || newPrice > maxPrice) {
            revert ResetPriceOutOfRange(asset, newPrice, minPrice, maxPrice);
        }
        uint256 oldPrice = config.price;
        _store(config, newPrice);
        emit PriceReset(asset, msg.sender, oldPrice, newPrice, block.timestamp);
    }

    /* UPDATES */

    /// @inheritdoc ILRTOracle
    function updatePrice(address asset) external whenNotPaused(GROUP_UPDATES) returns (uint256 newPrice) {
        OracleStorage storage $ = _getOracleStorage();
        AssetConfig storage config = _requireListed($, asset);
        uint256 updatedAt = config.updatedAt;
        uint256 interval = $.minUpdateInterval;
        if (block.timestamp < updatedAt + interval) revert UpdateTooSoon(asset, updatedAt, interval);
        newPrice = _readPrice(asset, config.adapter, config.decimals);
        uint256 oldPrice = config.price;
        uint256 maxMoveBps = config.maxMoveBps;
        if (OracleMathLib.exceedsMove(oldPrice, newPrice, maxMoveBps)) {
            revert PriceMoveTooLarge(asset, oldPrice, newPrice, maxMoveBps);
        }
        _store(config, newPrice);
        emit PriceUpdated(asset, oldPrice, newPrice, block.timestamp);
    }

    /* VIEWS */

    /// @inheritdoc ILRTOracle
    function price(address asset) external view returns (uint256) {
        return _requireFresh(asset).price;
    }

    /// @inheritdoc ILRTOracle
    function priceRange(address asset) external view returns (uint256 low, uint256 high) {
        AssetConfig storage config = _requireFresh(asset);
        uint256 stored = config.price;
        (uint256 floor, uint256 ceiling) = OracleMathLib.moveBounds(stored, config.maxMoveBps);
        // An adapter that fails or reports 0 does not stop the LRT before the stored price is stale: the range is then
        // the widest the next update could store.
        try config.adapter.getRate() returns (uint256 rate) {
            if (rate == 0) return (floor, ceiling);
            uint256 live = OracleMathLib.toWholeTokenPriceDown(rate, config.decimals);
            (low, high) = live < stored
                ? (live < floor ? floor : live, stored)
                : (stored, live > ceiling ? ceiling : live);
        } catch {
            return (floor, ceiling);
        }
    }

    /// @inheritdoc ILRTOracle
    function adapterPrice(address asset) external view returns (uint256) {
        AssetConfig storage config = _requireListed(_getOracleStorage(), asset);
        return OracleMathLib.toWholeTokenPriceDown(config.adapter.getRate(), config.decimals);
    }

    /// @inheritdoc ILRTOracle
    function assetConfig(address asset) external view returns (AssetConfig memory) {
        return _getOracleStorage().configs[asset];
    }

    /// @inheritdoc ILRTOracle
    function assets() external view returns (address[] memory list) {
        OracleStorage storage $ = _getOracleStorage();
        uint256 count = $.assetCount;
        list = new address[](count);
        for (uint256 i = 0; i < count; ++i) {
            list[i] = $.assetList[i];
        }
    }

    /// @inheritdoc ILRTOracle
    function minUpdateInterval() external view returns (uint256) {
        return _getOracleStorage().minUpdateInterval;
    }

    /* INTERNAL */

    /// @dev The adapter's price of `asset` per whole token; reverts ZeroPrice or PriceTooLarge.
    function _readPrice(address asset, IRateAdapter adapter, uint8 decimals) private view returns (uint256 newPrice) {
        newPrice = OracleMathLib.toWholeTokenPriceDown(adapter.getRate(), decimals);
        if (newPrice == 0) revert ZeroPrice(asset);
        if (newPrice > type(uint128).max) revert PriceTooLarge(asset, newPrice);
    }

    function _store(AssetConfig storage config, uint256 newPrice) private {
        config.price = uint128(newPrice);
        config.updatedAt = uint40(block.timestamp);
    }

    /// @dev The configuration of listed `asset` whose stored price is at most maxAge old; reverts StalePrice otherwise.
    function _requireFresh(address asset) private view returns (AssetConfig storage config) {
        config = _requireListed(_getOracleStorage(), asset);
        (uint256 updatedAt, uint256 maxAge) = (config.updatedAt, config.maxAge);
        if (block.timestamp - updatedAt > maxAge) revert StalePrice(asset, updatedAt, maxAge);
    }

    function _requireListed(OracleStorage storage $, address asset) private view returns (AssetConfig storage config) {
        config = $.configs[asset];
        if (!config.listed) revert UnknownAsset(asset);
    }

    function _requireAdapterOf(address asset, IRateAdapter adapter) private view {
        address adapterAsset = adapter.asset();
        if (adapterAsset != asset) revert AdapterAssetMismatch(asset, adapterAsset);
    }

    function _requireBounds(uint256 maxAge, uint256 maxMoveBps) private pure {
        if (maxAge < MIN_MAX_AGE || maxAge > MAX_MAX_AGE) revert MaxAgeOutOfBounds(maxAge, MIN_MAX_AGE, MAX_MAX_AGE);
        if (maxMoveBps < MIN_MOVE_BPS || maxMoveBps > MAX_MOVE_BPS) {
            revert MaxMoveOutOfBounds(maxMoveBps, MIN_MOVE_BPS, MAX_MOVE_BPS);
        }
    }

    function _pausedGroups() internal view override returns (uint8) {
        return _getOracleStorage().pausedGroups;
    }

    function _setPausedGroups(uint8 groups) internal override {
        _getOracleStorage().pausedGroups = groups;
    }

    function _getOracleStorage() private pure returns (OracleStorage storage $) {
        assembly {
            $.slot := ORACLE_STORAGE_LOCATION
        }
    }
}
