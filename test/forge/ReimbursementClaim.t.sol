// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReimbursementClaim} from "contracts/recover/ReimbursementClaim.sol";
import {ForgeTest} from "./ForgeTest.sol";
import {MerkleTreeBuilder} from "./MerkleTreeBuilder.sol";
import {HookToken, TestToken} from "./Mocks.sol";
import {ReentrantClaimant} from "./ReimbursementClaimMocks.sol";

contract ReimbursementClaimTest is ForgeTest {
    using MerkleTreeBuilder for MerkleTreeBuilder.Tree;

    event Claimed(uint256 indexed index, address indexed account, uint256 amount);
    event Swept(address indexed treasury, uint256 amount);

    uint64 internal constant WINDOW = 30 days;
    uint256 internal constant MAX_ENTRIES = 24;

    address internal treasury = address(0x7EA);
    address internal relayer = address(0x5E1F);
    TestToken internal token;
    uint64 internal deadline;

    // The distribution of the test at hand: entry i is (i, accounts[i], amounts[i]).
    address[] internal accounts;
    uint256[] internal amounts;
    MerkleTreeBuilder.Tree internal tree;
    ReimbursementClaim internal claim;

    function setUp() public {
        vm.warp(1_700_000_000);
        token = new TestToken();
        deadline = uint64(block.timestamp) + WINDOW;
    }

    // ------------------------------------------------------------------------------- helpers

    /// @dev A distribution of `count` fuzzed entries: distinct accounts drawn from `seed`, amounts
    ///      from `amountSeed` up to 10^30 (a trillion tokens of 18 decimals), some of them zero.
    function _distribute(uint256 seed, uint256 amountSeed, uint256 count) internal {
        count = bound(count, 1, MAX_ENTRIES);
        for (uint256 i = 0; i < count; ++i) {
            accounts.push(address(uint160(uint256(keccak256(abi.encode(seed, i))))));
            uint256 amount = uint256(keccak256(abi.encode(amountSeed, i)));
            amounts.push(amount % 7 == 0 ? 0 : amount % 1e30);
        }
        _deploy(_total());
    }

    function _deploy(uint256 funding) internal {
        bytes32[] memory leaves = new bytes32[](accounts.length);
        for (uint256 i = 0; i < accounts.length; ++i) leaves[i] = MerkleTreeBuilder.leaf(i, accounts[i], amounts[i]);
        tree = MerkleTreeBuilder.build(leaves);
        claim = new ReimbursementClaim(IERC20(address(token)), tree.root(), deadline, treasury);
        token.mint(address(claim), funding);
    }

    function _total() internal view returns (uint256 total) {
        for (uint256 i = 0; i < amounts.length; ++i) total += amounts[i];
    }

    function _claim(uint256 index) internal {
        vm.prank(relayer);
        claim.claim(index, accounts[index], amounts[index], tree.proof(index));
    }

    function _expectInvalidProof(uint256 index, address account, uint256 amount) internal {
        vm.expectRevert(abi.encodeWithSelector(ReimbursementClaim.InvalidProof.selector, index, account, amount));
    }

    // ------------------------------------------------------------------- the published format

    /// @notice The tree built here is the one @openzeppelin/merkle-tree builds: root and proof
    ///         below are StandardMerkleTree.of(values, ['uint256', 'address', 'uint256']).root and
    ///         .getProof(0) for these five values, so the contract pays what firebreak publishes.
    function test_acceptsTheRootAndProofOfOpenZeppelinsStandardMerkleTree() public {
        accounts = [address(0xA11c), address(0xB0b), address(0xCA01), address(0xDA7e), address(0xe0e0)];
        amounts = [uint256(50_000 ether), 30_000 ether, 15_000 ether, 1, 0];
        _deploy(_total());
        bytes32[] memory libraryProof = new bytes32[](3);
        libraryProof[0] = 0x456f5ec1311a811be6431176875ca7adc2e5b090124ef4831f8b0074b70459d0;
        libraryProof[1] = 0xefe39c7afb649920699e2d0777edd1b56918e516e61596aadf306f6cd292e20e;
        libraryProof[2] = 0x7356deac4c41004d4e2bcbb505c1da380ca9b8d66c3af829cae9cc923bf20ef6;

        assertEq(abi.encode(tree.root()), abi.encode(bytes32(0xd57871ddf06818d4164c92c354cb9d30bb90197db02c1b2ffe777b03be0288c8)), "root");
        assertEq(tree.treeIndexOf[0], 7, "tree index of value 0");
        assertEq(abi.encode(tree.proof(0)), abi.encode(libraryProof), "proof of value 0");

        claim.claim(0, address(0xA11c), 50_000 ether, libraryProof);
        assertEq(token.balanceOf(address(0xA11c)), 50_000 ether, "paid with the library's proof");
    }

    // --------------------------------------------------------------------------------- claims

    /// @notice Every entry is paid exactly its amount, to its account, whoever submits it, and
    ///         the funding is used up exactly.
    function testFuzz_paysEveryEntryItsAmountOnce(uint256 seed, uint256 amountSeed, uint256 count) public {
        _distribute(seed, amountSeed, count);
        for (uint256 i = 0; i < accounts.length; ++i) {
            vm.expectEmit(true, true, false, true, address(claim));
            emit Claimed(i, accounts[i], amounts[i]);
            _claim(i);
            assertEq(token.balanceOf(accounts[i]), amounts[i], "paid to the account");
            assertTrue(claim.isClaimed(i), "marked claimed");
        }
        assertEq(token.balanceOf(address(claim)), 0, "left in the contract");
        assertEq(token.balanceOf(relayer), 0, "paid to the relayer");
    }

    /// @notice A second claim of an index reverts with AlreadyClaimed, from anyone, at any time
    ///         in the window, and pays nothing.
    function testFuzz_secondClaimOfTheSameIndexReverts(uint256 seed, uint256 amountSeed, uint256 count, uint256 pick, address sender, uint256 later) public {
        _distribute(seed, amountSeed, count);
        uint256 index = pick % accounts.length;
        _claim(index);
        vm.warp(bound(later, block.timestamp, deadline));

        vm.expectRevert(abi.encodeWithSelector(ReimbursementClaim.AlreadyClaimed.selector, index));
        vm.prank(sender);
        claim.claim(index, accounts[index], amounts[index], tree.proof(index));

        assertEq(token.balanceOf(accounts[index]), amounts[index], "paid once");
        assertEq(token.balanceOf(address(claim)), _total() - amounts[index], "left in the contract");
    }

    /// @notice A distribution that lists an index twice (a bug in whatever built it) still pays
    ///         that index once: the second leaf, though it proves, finds the index claimed.
    function testFuzz_aDuplicatedIndexPaysOnlyItsFirstClaim(address first, address second, uint256 firstAmount, uint256 secondAmount) public {
        vm.assume(first != address(0) && second != address(0) && first != second);
        accounts = [first, second];
        amounts = [bound(firstAmount, 1, 1e30), bound(secondAmount, 1, 1e30)];
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = MerkleTreeBuilder.leaf(0, first, amounts[0]);
        leaves[1] = MerkleTreeBuilder.leaf(0, second, amounts[1]);
        tree = MerkleTreeBuilder.build(leaves);
        claim = new ReimbursementClaim(IERC20(address(token)), tree.root(), deadline, treasury);
        token.mint(address(claim), amounts[0] + amounts[1]);

        claim.claim(0, first, amounts[0], tree.proof(0));
        vm.expectRevert(abi.encodeWithSelector(ReimbursementClaim.AlreadyClaimed.selector, 0));
        claim.claim(0, second, amounts[1], tree.proof(1));

        assertEq(token.balanceOf(second), 0, "the second leaf of index 0");
    }

    /// @notice A proof for one entry pays nobody else: not another account, not another amount,
    ///         not another index, and not another entry's data with this entry's proof.
    function testFuzz_aProofForOneEntryPaysNoOtherClaim(uint256 seed, uint256 amountSeed, uint256 count, uint256 pick, address other, uint256 otherAmount) public {
        _distribute(seed, amountSeed, count);
        uint256 index = pick % accounts.length;
        address account = accounts[index];
        uint256 amount = amounts[index];
        bytes32[] memory proof = tree.proof(index);
        vm.assume(other != account);
        vm.assume(otherAmount != amount);

        _expectInvalidProof(index, other, amount);
        claim.claim(index, other, amount, proof);

        _expectInvalidProof(index, account, otherAmount);
        claim.claim(index, account, otherAmount, proof);

        uint256 otherIndex = (index + 1 + pick / accounts.length) % (accounts.length + 5);
        if (otherIndex != index) {
            _expectInvalidProof(otherIndex, account, amount);
            claim.claim(otherIndex, account, amount, proof);
        }
        if (accounts.length > 1) {
            uint256 neighbour = (index + 1) % accounts.length;
            _expectInvalidProof(neighbour, accounts[neighbour], amounts[neighbour]);
            claim.claim(neighbour, accounts[neighbour], amounts[neighbour], proof);
        }

        assertEq(token.balanceOf(other), 0, "paid to the other account");
        assertEq(token.balanceOf(address(claim)), _total(), "left in the contract");
        _claim(index);
        assertEq(token.balanceOf(account), amount, "the entry itself still pays");
    }

    /// @notice A proof cut short, lengthened or with one sibling altered pays nothing.
    function testFuzz_anAlteredProofPaysNothing(uint256 seed, uint256 amountSeed, uint256 count, uint256 pick, bytes32 noise) public {
        _distribute(seed, amountSeed, bound(count, 2, MAX_ENTRIES));
        uint256 index = pick % accounts.length;
        bytes32[] memory proof = tree.proof(index);
        vm.assume(noise != bytes32(0));

        bytes32[] memory altered = tree.proof(index);
        altered[pick % altered.length] ^= noise;
        _expectInvalidProof(index, accounts[index], amounts[index]);
        claim.claim(index, accounts[index], amounts[index], altered);

        bytes32[] memory shorter = new bytes32[](proof.length - 1);
        for (uint256 i = 0; i < shorter.length; ++i) shorter[i] = proof[i];
        _expectInvalidProof(index, accounts[index], amounts[index]);
        claim.claim(index, accounts[index], amounts[index], shorter);

        bytes32[] memory longer = new bytes32[](proof.length + 1);
        for (uint256 i = 0; i < proof.length; ++i) longer[i] = proof[i];
        longer[proof.length] = noise;
        _expectInvalidProof(index, accounts[index], amounts[index]);
        claim.claim(index, accounts[index], amounts[index], longer);

        assertEq(token.balanceOf(address(claim)), _total(), "left in the contract");
    }

    /// @notice A claimant that re-enters from inside its payment (a token with transfer hooks)
    ///         to claim the same entry again, or to sweep, is refused both and paid once.
    function test_aClaimantReenteringFromItsPaymentIsPaidOnce() public {
        HookToken hookToken = new HookToken();
        ReentrantClaimant claimant = new ReentrantClaimant(IERC20(address(hookToken)));
        accounts = [address(claimant), address(0xB0b)];
        amounts = [uint256(40 ether), 2 ether];
        bytes32[] memory leaves = new bytes32[](2);
        leaves[0] = MerkleTreeBuilder.leaf(0, address(claimant), 40 ether);
        leaves[1] = MerkleTreeBuilder.leaf(1, address(0xB0b), 2 ether);
        tree = MerkleTreeBuilder.build(leaves);
        claim = new ReimbursementClaim(IERC20(address(hookToken)), tree.root(), deadline, treasury);
        claimant.aim(claim);
        hookToken.mint(address(claim), 1_000 ether);
        claimant.arm(0, 40 ether, tree.proof(0));

        claim.claim(0, address(claimant), 40 ether, tree.proof(0));

        assertEq(hookToken.balanceOf(address(claimant)), 40 ether, "paid to the claimant");
        assertEq(claimant.reentriesAccepted(), 0, "re-entries accepted");
        assertEq(claimant.reentriesRefused(), 2, "re-entries refused");
        assertEq(claimant.lastRefusal(), abi.encodeWithSelector(ReimbursementClaim.AlreadyClaimed.selector, 0), "refusal of the second claim");
        assertEq(hookToken.balanceOf(address(claim)), 960 ether, "left in the contract");
    }

    /// @notice A claim the contract cannot fund reverts whole: the entry stays unclaimed and can be
    ///         paid once the contract is topped up.
    function testFuzz_anUnfundedClaimRevertsAndStaysClaimable(uint256 seed, uint256 amountSeed, uint256 count, uint256 shortfall) public {
        _distribute(seed, amountSeed, count);
        uint256 index = accounts.length - 1;
        amounts[index] = 1e30 + 1;
        _deploy(0);
        uint256 funding = bound(shortfall, 0, amounts[index] - 1);
        token.mint(address(claim), funding);

        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, address(claim), funding, amounts[index]));
        _claim(index);
        assertFalse(claim.isClaimed(index), "claimed without being paid");

        token.mint(address(claim), amounts[index] - funding);
        _claim(index);
        assertEq(token.balanceOf(accounts[index]), amounts[index], "paid after the top-up");
    }

    // ------------------------------------------------------------------------ the claim window

    /// @notice Claims are accepted up to and including the deadline's second, and refused after it.
    function testFuzz_claimsCloseAfterTheDeadline(uint256 seed, uint256 amountSeed, uint256 count, uint256 late) public {
        _distribute(seed, amountSeed, count);
        vm.warp(deadline);
        _claim(0);
        assertEq(token.balanceOf(accounts[0]), amounts[0], "paid at the deadline");
        if (accounts.length == 1) return;

        vm.warp(bound(late, uint256(deadline) + 1, type(uint64).max));
        vm.expectRevert(abi.encodeWithSelector(ReimbursementClaim.ClaimWindowClosed.selector, deadline));
        _claim(1);
        assertEq(token.balanceOf(accounts[1]), 0, "paid after the deadline");
    }

    /// @notice The sweep is impossible while the window is open, deadline second included, whoever
    ///         calls it and however much has been claimed.
    function testFuzz_sweepIsImpossibleBeforeTheWindowCloses(uint256 seed, uint256 amountSeed, uint256 count, uint256 when, address caller, uint256 claims) public {
        _distribute(seed, amountSeed, count);
        claims = bound(claims, 0, accounts.length);
        for (uint256 i = 0; i < claims; ++i) _claim(i);
        vm.warp(bound(when, block.timestamp, deadline));
        uint256 held = token.balanceOf(address(claim));

        vm.expectRevert(abi.encodeWithSelector(ReimbursementClaim.ClaimWindowOpen.selector, deadline));
        vm.prank(caller);
        claim.sweep();

        assertEq(token.balanceOf(treasury), 0, "swept to the treasury");
        assertEq(token.balanceOf(address(claim)), held, "left in the contract");
    }

    /// @notice After the window, anyone's sweep sends exactly the unclaimed remainder to the
    ///         treasury, and only to the treasury.
    function testFuzz_sweepSendsTheUnclaimedRemainderToTheTreasury(uint256 seed, uint256 amountSeed, uint256 count, uint256 claims, address caller, uint256 surplus) public {
        _distribute(seed, amountSeed, count);
        vm.assume(caller != treasury && caller != address(claim));
        surplus = bound(surplus, 0, 1e30);
        token.mint(address(claim), surplus);
        claims = bound(claims, 0, accounts.length);
        uint256 paid = 0;
        for (uint256 i = 0; i < claims; ++i) {
            _claim(i);
            paid += amounts[i];
        }
        vm.warp(uint256(deadline) + 1);
        uint256 callerBefore = token.balanceOf(caller);

        vm.expectEmit(true, false, false, true, address(claim));
        emit Swept(treasury, _total() + surplus - paid);
        vm.prank(caller);
        claim.sweep();

        assertEq(token.balanceOf(treasury), _total() + surplus - paid, "swept to the treasury");
        assertEq(token.balanceOf(address(claim)), 0, "left in the contract");
        assertEq(token.balanceOf(caller), callerBefore, "the caller's balance");
    }
}
