// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice The few forge cheatcodes these tests use, declared at the address where forge answers
///         them. forge-std is not available offline (it is not an npm package), and these tests
///         need only this much of it: see DEVELOPERS.md.
interface Vm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function warp(uint256 timestamp) external;
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function expectRevert() external;
    function expectRevert(bytes4 revertData) external;
    function expectRevert(bytes calldata revertData) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData, address emitter) external;
    function assume(bool condition) external pure;
    function load(address target, bytes32 slot) external view returns (bytes32);
    function label(address account, string calldata name) external;
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory);
    function toString(uint256 value) external pure returns (string memory);
    function toString(address value) external pure returns (string memory);
    function toString(bytes calldata value) external pure returns (string memory);
}

/// @notice Base of the forge tests: the cheatcodes, assertions that say what differed, and `bound`.
abstract contract ForgeTest {
    // The address forge reserves for cheatcodes: address(uint160(uint256(keccak256("hevm cheat code")))).
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert(what);
    }

    function assertFalse(bool condition, string memory what) internal pure {
        if (condition) revert(what);
    }

    function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert(string.concat(what, ": ", vm.toString(actual), " != expected ", vm.toString(expected)));
    }

    function assertEq(address actual, address expected, string memory what) internal pure {
        if (actual != expected) revert(string.concat(what, ": ", vm.toString(actual), " != expected ", vm.toString(expected)));
    }

    function assertEq(bool actual, bool expected, string memory what) internal pure {
        if (actual != expected) revert(string.concat(what, ": ", actual ? "true" : "false", " != expected ", expected ? "true" : "false"));
    }

    function assertEq(bytes memory actual, bytes memory expected, string memory what) internal pure {
        if (keccak256(actual) != keccak256(expected)) {
            revert(string.concat(what, ": ", vm.toString(actual), " != expected ", vm.toString(expected)));
        }
    }

    function assertLe(uint256 actual, uint256 ceiling, string memory what) internal pure {
        if (actual > ceiling) revert(string.concat(what, ": ", vm.toString(actual), " > ", vm.toString(ceiling)));
    }

    function assertGe(uint256 actual, uint256 floor, string memory what) internal pure {
        if (actual < floor) revert(string.concat(what, ": ", vm.toString(actual), " < ", vm.toString(floor)));
    }

    /// @dev Maps any fuzzed `value` into [min, max], keeping small values as they are so that
    ///      the fuzzer's edge cases (0, 1, max) still land on the edges of the range.
    function bound(uint256 value, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (value >= min && value <= max) return value;
        uint256 size = max - min;
        if (size == type(uint256).max) return value;
        return min + value % (size + 1);
    }
}
