// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ReimbursementClaim} from "contracts/recover/ReimbursementClaim.sol";
import {ForgeTest} from "./ForgeTest.sol";
import {MerkleTreeBuilder} from "./MerkleTreeBuilder.sol";
import {HookToken} from "./Mocks.sol";
import {ReentrantClaimant} from "./ReimbursementClaimMocks.sol";

/// @notice Claims a distribution from random senders at random times: real claims, claims with
///         another account, another amount or another entry's proof, sweeps, top-ups and waits
///         across the deadline. The token calls its recipients back, and one account re-enters
///         the contract from its payment. A call that succeeds where the model says it must fail
///         (or the other way round) is written to `surprise`, which an invariant reads.
contract ClaimHandler is ForgeTest {
    using MerkleTreeBuilder for MerkleTreeBuilder.Tree;

    uint64 public constant WINDOW = 3 days;

    HookToken public token;
    ReimbursementClaim public claim;
    ReentrantClaimant public claimant;
    address public treasury = address(0x7EA);
    uint64 public deadline;
    /// Everything the claim contract was ever given: the distribution's total, then top-ups.
    uint256 public funding;

    // Entry i of the distribution is (i, entryAccount[i], entryAmount[i]).
    address[] public entryAccount;
    uint256[] public entryAmount;
    /// Each account once, though some have several entries.
    address[] public accounts;
    address[] internal senders;
    MerkleTreeBuilder.Tree internal tree;
    mapping(uint256 index => bool) public modelClaimed;
    string public surprise;

    constructor() {
        token = new HookToken();
        claimant = new ReentrantClaimant(IERC20(address(token)));
        accounts = [address(0xA1), address(0xA2), address(0xA3), address(0xA4), address(claimant)];
        // Two accounts with two entries each, one entry of nothing, and amounts from 1 wei up.
        _addEntry(address(0xA1), 50_000 ether);
        _addEntry(address(0xA2), 30_000 ether);
        _addEntry(address(claimant), 12_345 ether);
        _addEntry(address(0xA3), 1);
        _addEntry(address(0xA1), 7 ether);
        _addEntry(address(0xA4), 0);
        _addEntry(address(claimant), 3 ether);
        _addEntry(address(0xA3), 999_999 ether);
        _addEntry(address(0xA2), 2 wei);

        bytes32[] memory leaves = new bytes32[](entryAccount.length);
        for (uint256 i = 0; i < leaves.length; ++i) leaves[i] = MerkleTreeBuilder.leaf(i, entryAccount[i], entryAmount[i]);
        tree = MerkleTreeBuilder.build(leaves);
        deadline = uint64(block.timestamp) + WINDOW;
        claim = new ReimbursementClaim(IERC20(address(token)), tree.root(), deadline, treasury);
        claimant.aim(claim);
        for (uint256 i = 0; i < entryAmount.length; ++i) funding += entryAmount[i];
        token.mint(address(claim), funding);

        senders = [address(0x5E1F), address(0xBAD), treasury, address(claimant), address(0xA1), address(this)];
    }

    function entryCount() external view returns (uint256) {
        return entryAccount.length;
    }

    function accountCount() external view returns (uint256) {
        return accounts.length;
    }

    // ---------------------------------------------------------------------------------- actions

    function claimEntry(uint256 entrySeed, uint256 senderSeed) external {
        uint256 index = entrySeed % entryAccount.length;
        address account = entryAccount[index];
        bool open = block.timestamp <= deadline;
        bool mustPay = open && !modelClaimed[index];
        if (account == address(claimant)) claimant.arm(index, entryAmount[index], tree.proof(index));
        uint256 before = token.balanceOf(account);
        vm.prank(senders[senderSeed % senders.length]);
        try claim.claim(index, account, entryAmount[index], tree.proof(index)) {
            if (!mustPay) _surprise("a claim was accepted where it must be refused");
            if (token.balanceOf(account) - before != entryAmount[index]) _surprise("a claim paid other than its amount");
            modelClaimed[index] = true;
        } catch (bytes memory reason) {
            if (mustPay) _surprise("a valid claim was refused");
            bytes memory expected = open
                ? abi.encodeWithSelector(ReimbursementClaim.AlreadyClaimed.selector, index)
                : abi.encodeWithSelector(ReimbursementClaim.ClaimWindowClosed.selector, deadline);
            if (keccak256(reason) != keccak256(expected)) _surprise("a claim was refused for the wrong reason");
        }
    }

    /// @dev Entry `index`'s amount and proof, paid to another account of the distribution.
    function claimAsAnotherAccount(uint256 entrySeed, uint256 accountSeed, uint256 senderSeed) external {
        uint256 index = entrySeed % entryAccount.length;
        address other = accounts[accountSeed % accounts.length];
        if (other == entryAccount[index]) other = address(uint160(uint256(keccak256(abi.encode(accountSeed)))));
        _mustRefuse(index, other, entryAmount[index], tree.proof(index), senderSeed, "paid another account with an entry's proof");
    }

    function claimAnotherAmount(uint256 entrySeed, uint256 amount, uint256 senderSeed) external {
        uint256 index = entrySeed % entryAccount.length;
        if (amount == entryAmount[index]) amount = entryAmount[index] + 1;
        _mustRefuse(index, entryAccount[index], amount, tree.proof(index), senderSeed, "paid an amount that is not the entry's");
    }

    function claimWithAnotherEntrysProof(uint256 entrySeed, uint256 proofSeed, uint256 senderSeed) external {
        uint256 index = entrySeed % entryAccount.length;
        uint256 other = proofSeed % entryAccount.length;
        if (other == index) other = (index + 1) % entryAccount.length;
        _mustRefuse(index, entryAccount[index], entryAmount[index], tree.proof(other), senderSeed, "paid an entry with another entry's proof");
    }

    function sweep(uint256 senderSeed) external {
        bool closed = block.timestamp > deadline;
        uint256 held = token.balanceOf(address(claim));
        uint256 before = token.balanceOf(treasury);
        vm.prank(senders[senderSeed % senders.length]);
        try claim.sweep() {
            if (!closed) _surprise("swept while the window was open");
            if (token.balanceOf(treasury) - before != held) _surprise("the sweep sent other than what was left");
        } catch (bytes memory reason) {
            if (closed) _surprise("could not sweep after the window closed");
            if (keccak256(reason) != keccak256(abi.encodeWithSelector(ReimbursementClaim.ClaimWindowOpen.selector, deadline))) {
                _surprise("a sweep was refused for the wrong reason");
            }
        }
    }

    /// @dev Someone sends the contract more than the distribution needs (a second tranche, a mistake).
    function topUp(uint256 amount) external {
        amount = bound(amount, 0, 10_000 ether);
        token.mint(address(claim), amount);
        funding += amount;
    }

    function wait(uint256 seconds_) external {
        vm.warp(block.timestamp + bound(seconds_, 0, 1 days));
    }

    function _mustRefuse(uint256 index, address account, uint256 amount, bytes32[] memory proof, uint256 senderSeed, string memory what) private {
        uint256 held = token.balanceOf(address(claim));
        vm.prank(senders[senderSeed % senders.length]);
        try claim.claim(index, account, amount, proof) {
            _surprise(what);
        } catch {}
        if (token.balanceOf(address(claim)) != held) _surprise("a refused claim moved tokens");
    }

    function _addEntry(address account, uint256 amount) private {
        entryAccount.push(account);
        entryAmount.push(amount);
    }

    function _surprise(string memory what) private {
        if (bytes(surprise).length == 0) surprise = what;
    }
}

contract ReimbursementClaimInvariantTest is ForgeTest {
    ClaimHandler internal handler;

    function setUp() public {
        vm.warp(1_700_000_000);
        handler = new ClaimHandler();
    }

    function targetContracts() public view returns (address[] memory list) {
        list = new address[](1);
        list[0] = address(handler);
    }

    /// @notice No claim pays twice, and a proof for one account never pays another: each account
    ///         holds exactly the sum of its own entries that the contract marks claimed, and the
    ///         contract marks claimed exactly the entries that were paid.
    function invariant_eachAccountHoldsExactlyItsClaimedEntries() public view {
        ReimbursementClaim claim = handler.claim();
        for (uint256 a = 0; a < handler.accountCount(); ++a) {
            address account = handler.accounts(a);
            uint256 owed = 0;
            for (uint256 i = 0; i < handler.entryCount(); ++i) {
                if (handler.entryAccount(i) == account && claim.isClaimed(i)) owed += handler.entryAmount(i);
            }
            assertEq(handler.token().balanceOf(account), owed, "account balance against its claimed entries");
        }
        for (uint256 i = 0; i < handler.entryCount(); ++i) {
            assertEq(claim.isClaimed(i), handler.modelClaimed(i), "claimed as the model says");
        }
    }

    /// @notice What left the contract (to accounts and to the treasury) never exceeds what it was
    ///         given, and what it still holds is exactly the difference.
    function invariant_totalPaidNeverExceedsFunding() public view {
        uint256 paid = 0;
        for (uint256 a = 0; a < handler.accountCount(); ++a) paid += handler.token().balanceOf(handler.accounts(a));
        uint256 swept = handler.token().balanceOf(handler.treasury());
        uint256 held = handler.token().balanceOf(address(handler.claim()));
        assertLe(paid + swept, handler.funding(), "paid and swept");
        assertEq(paid + swept + held, handler.funding(), "paid, swept and held");
    }

    function invariant_nothingSweptBeforeTheWindowCloses() public view {
        if (block.timestamp <= handler.deadline()) assertEq(handler.token().balanceOf(handler.treasury()), 0, "treasury before the deadline");
    }

    function invariant_reentryFromAPaymentNeverPays() public view {
        assertEq(handler.claimant().reentriesAccepted(), 0, "re-entries accepted");
    }

    function invariant_everyCallDidWhatTheModelSays() public view {
        string memory surprise = handler.surprise();
        assertTrue(bytes(surprise).length == 0, string.concat("surprise: ", surprise));
    }
}
