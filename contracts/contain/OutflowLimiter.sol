// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title OutflowLimiter
/// @notice A rate limit on token outflows, in the spirit of ERC-7265: per token, at most `limit`
///         may leave in any `window` seconds. Capacity refills linearly, up to `limit`, so a drain
///         is slowed to the configured rate while governance reacts.
/// @dev The inheriting contract calls {_consumeOutflow} before each transfer out, ahead of the
///      transfer (checks-effects-interactions), so a re-entrant withdrawal already sees the reduced
///      capacity. It decides who may change a limit by implementing {_authorizeOutflowLimit};
///      {_loosensOutflowLimit} tells a tightening (a guardian's job) from a loosening (governance's).
///
///      A token without a configured limit is unlimited. A configured limit of 0 stops the token's
///      outflow altogether. State lives in ERC-7201 namespaced storage, so the module can be added to
///      an upgradeable contract without moving its variables.
abstract contract OutflowLimiter {
    /// @dev A token bucket. `available <= limit` always; `window == 0` means no limit is configured.
    struct Bucket {
        uint256 limit;
        uint256 available;
        uint64 window;
        uint64 updatedAt;
    }

    /// @custom:storage-location erc7201:firebreak.storage.OutflowLimiter
    struct OutflowLimiterStorage {
        mapping(address token => Bucket) buckets;
    }

    // keccak256(abi.encode(uint256(keccak256("firebreak.storage.OutflowLimiter")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant OUTFLOW_LIMITER_STORAGE_LOCATION =
        0x470b14fe6fefdf9117e5d2ac125e6f7a69eff6e0310a21e650044df4edd5be00;

    /// @notice Sending `amount` of `token` would exceed its limit: only `available` may leave now.
    error OutflowLimitExceeded(address token, uint256 amount, uint256 available);

    /// @notice A limit needs a window of 1 to 2^64-1 seconds (a window of 0 only with limit 0, which removes the limit).
    error InvalidWindow();

    /// @notice At most `limit` of `token` may now leave in any `window` seconds; `window` 0 means unlimited.
    event OutflowLimitSet(address indexed token, uint256 limit, uint256 window);

    /// @notice Sets the outflow limit of `token`: at most `limit` per `window` seconds. `(0, 0)`
    ///         removes the limit; `(0, window)` stops the token's outflow.
    /// @dev Authorized by {_authorizeOutflowLimit}. Lowering the limit also caps the capacity
    ///      available now; raising it lets capacity refill towards the new limit at the new rate.
    ///      Setting a limit on an unlimited token starts it with full capacity. Reverts with
    ///      {InvalidWindow} for a limit without a window or a window that does not fit 64 bits.
    function setOutflowLimit(address token, uint256 limit, uint256 window) external {
        _authorizeOutflowLimit(token, limit, window);
        _setOutflowLimit(token, limit, window);
    }

    /// @notice The configured limit of `token` and its window in seconds; `(0, 0)` when unlimited.
    function outflowLimit(address token) external view returns (uint256 limit, uint256 window) {
        Bucket storage bucket = _getOutflowLimiterStorage().buckets[token];
        return (bucket.limit, bucket.window);
    }

    /// @notice How much of `token` may leave now; `type(uint256).max` when the token is unlimited.
    function availableOutflow(address token) external view returns (uint256) {
        Bucket storage bucket = _getOutflowLimiterStorage().buckets[token];
        if (bucket.window == 0) return type(uint256).max;
        (uint256 available, ) = _refill(bucket);
        return available;
    }

    /// @dev Takes `amount` of `token` from its capacity; call it before transferring the amount out.
    ///      Reverts with {OutflowLimitExceeded}. Costs nothing for an unlimited token.
    function _consumeOutflow(address token, uint256 amount) internal {
        Bucket storage bucket = _getOutflowLimiterStorage().buckets[token];
        if (bucket.window == 0) return;
        (uint256 available, uint64 updatedAt) = _refill(bucket);
        if (amount > available) revert OutflowLimitExceeded(token, amount, available);
        unchecked {
            bucket.available = available - amount;
        }
        bucket.updatedAt = updatedAt;
    }

    /// @dev Sets a limit without authorization, e.g. from the inheriting contract's constructor.
    function _setOutflowLimit(address token, uint256 limit, uint256 window) internal {
        if ((window == 0 && limit != 0) || window > type(uint64).max) revert InvalidWindow();
        Bucket storage bucket = _getOutflowLimiterStorage().buckets[token];
        if (window == 0) {
            delete _getOutflowLimiterStorage().buckets[token];
        } else {
            // Settle at the old rate first: capacity earned so far is kept (up to the new limit),
            // and the new rate applies only from now on.
            uint256 available = limit;
            if (bucket.window != 0) {
                (uint256 refilled, ) = _refill(bucket);
                available = Math.min(refilled, limit);
            }
            bucket.limit = limit;
            bucket.available = available;
            bucket.window = uint64(window);
            bucket.updatedAt = uint64(block.timestamp);
        }
        emit OutflowLimitSet(token, limit, window);
    }

    /// @dev Throws unless the caller may set the limit of `token` to `newLimit` per `newWindow`
    ///      seconds (`(0, 0)`: remove it). Implement it with the contract's access control, e.g.
    ///      a guardian may tighten (see {_loosensOutflowLimit}) and only governance may loosen.
    function _authorizeOutflowLimit(address token, uint256 newLimit, uint256 newWindow) internal virtual;

    /// @dev Whether `newLimit` per `newWindow` would let more of `token` out than the current
    ///      setting: a higher limit, a shorter window (a faster refill), or removing a limit. Any
    ///      limit on an unlimited token tightens it.
    function _loosensOutflowLimit(address token, uint256 newLimit, uint256 newWindow) internal view returns (bool) {
        Bucket storage bucket = _getOutflowLimiterStorage().buckets[token];
        if (bucket.window == 0) return false;
        if (newWindow == 0) return true;
        return newLimit > bucket.limit || newWindow < bucket.window;
    }

    /// @dev Capacity now, and the time up to which refill has been credited. Refill is rounded down,
    ///      and only the time that produced it is marked as used: the remainder carries over, so
    ///      that frequent small withdrawals cannot keep a slow-refilling bucket empty.
    function _refill(Bucket storage bucket) private view returns (uint256 available, uint64 updatedAt) {
        uint256 limit = bucket.limit;
        available = bucket.available;
        updatedAt = bucket.updatedAt;
        uint256 window = bucket.window;
        uint256 elapsed = block.timestamp - updatedAt;
        if (elapsed >= window) return (limit, uint64(block.timestamp));
        if (limit == 0) return (0, uint64(block.timestamp));
        uint256 refill = Math.mulDiv(limit, elapsed, window);
        if (refill >= limit - available) return (limit, uint64(block.timestamp));
        available += refill;
        updatedAt += uint64(Math.mulDiv(refill, window, limit, Math.Rounding.Ceil));
    }

    function _getOutflowLimiterStorage() private pure returns (OutflowLimiterStorage storage $) {
        assembly ("memory-safe") {
            $.slot := OUTFLOW_LIMITER_STORAGE_LOCATION
        }
    }
}
