// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IDocumentRegistry} from "../interfaces/IDocumentRegistry.sol";

/**
 * @title DocumentRegistry
 * @notice The assets behind one deal and the documents that describe them, on chain: each asset
 * with its type, location, pool and latest valuation (amount, currency, date, appraiser); each
 * document with its kind, content hash, URI, version and status, attested by attesters whose
 * role the registry knows (appraiser, lawyer, auditor, trustee). A new version of a document
 * (same asset, same kind) supersedes the old one; a document can be revoked with a reason. The
 * deal's primary sale asks {requireDocuments} before it sells.
 * @dev Documents are keyed by their content hash (keccak256 of the file's bytes): anyone holding
 * a file can find its record. The URI lives in the {DocumentRegistered} event only (storage
 * proves the hash; the URI says where to fetch the file). Attestations are events too; the
 * document keeps the set of roles that attested it. Asset id 0 stands for the deal itself.
 * The chain proves who registered and attested what, and when; it cannot prove that a document
 * tells the truth.
 */
contract DocumentRegistry is AccessControlDefaultAdminRules, IDocumentRegistry {
    /// @notice Role that registers assets and documents and revokes documents (the issuer).
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @notice Attester role bits.
    uint8 public constant APPRAISER = 1;
    uint8 public constant LAWYER = 2;
    uint8 public constant AUDITOR = 4;
    uint8 public constant TRUSTEE = 8;
    uint8 private constant ALL_ROLES = 15;

    /// @notice Asset types: the categories of the seed articles, and a pool of small assets.
    enum AssetType {
        Land,
        Minerals,
        Forestry,
        Water,
        Energy,
        Data,
        PhysicalAsset,
        Claim,
        Equity,
        FranchiseRight,
        FutureIncomeRight,
        Pool
    }

    /// @notice Document status.
    enum Status {
        None,
        Current,
        Superseded,
        Revoked
    }

    /// @notice One document (one storage slot).
    struct Document {
        uint64 asset;
        uint16 kind;
        uint32 version;
        Status status;
        uint8 attestedRoles;
        uint40 registeredAt;
    }

    /// @notice One asset.
    struct Asset {
        AssetType assetType;
        uint64 pool;
        uint32 members;
        uint40 valuedAt;
        bytes3 currency;
        uint128 valuation;
        address appraiser;
        string location;
    }

    /// @notice A document the deal requires before its sale opens.
    struct Requirement {
        uint64 asset;
        uint16 kind;
        uint8 roles;
    }

    /// @notice Number of assets registered (ids 1..assetCount).
    uint64 public assetCount;
    mapping(uint64 id => Asset) private _assets;
    mapping(bytes32 contentHash => Document) private _documents;
    /// @dev (asset << 16 | kind) -> content hash of the latest version.
    mapping(uint256 series => bytes32) private _latest;
    /// @notice Role bits held by each attester.
    mapping(address attester => uint8) public attesterRoles;
    Requirement[] private _requirements;

    /// @notice Emitted when an asset is registered.
    event AssetRegistered(uint64 indexed asset, AssetType assetType, uint64 indexed pool, string location);
    /// @notice Emitted when an appraiser records an asset's valuation.
    event AssetValued(
        uint64 indexed asset, uint128 valuation, bytes3 currency, uint40 valuedAt, address indexed appraiser
    );
    /// @notice Emitted when a document is registered.
    event DocumentRegistered(
        bytes32 indexed contentHash,
        uint64 indexed asset,
        uint16 indexed kind,
        uint32 version,
        string uri,
        address registrar
    );
    /// @notice Emitted when a new version supersedes a document.
    event DocumentSuperseded(bytes32 indexed contentHash, bytes32 indexed by);
    /// @notice Emitted when a document is revoked.
    event DocumentRevoked(bytes32 indexed contentHash, string reason, address indexed by);
    /// @notice Emitted when an attester attests a document in one of its roles.
    event DocumentAttested(bytes32 indexed contentHash, address indexed attester, uint8 role);
    /// @notice Emitted when an attester's roles are set (0 removes it).
    event AttesterSet(address indexed attester, uint8 roles);
    /// @notice Emitted when a document becomes required before the sale.
    event DocumentRequired(uint256 indexed index, uint64 asset, uint16 kind, uint8 roles);

    /// @dev The asset id is not registered.
    error UnknownAsset(uint64 asset, uint64 assetCount);
    /// @dev Assets can only join an asset of type Pool.
    error NotAPool(uint64 asset);
    /// @dev The content hash is zero or the kind is zero.
    error InvalidDocument(bytes32 contentHash, uint16 kind);
    /// @dev This content hash is registered already.
    error DocumentAlreadyRegistered(bytes32 contentHash);
    /// @dev No document has this content hash.
    error UnknownDocument(bytes32 contentHash);
    /// @dev The document is superseded or revoked: it can no longer be attested (or revoked again).
    error DocumentNotCurrent(bytes32 contentHash, Status status);
    /// @dev A revocation needs a reason.
    error EmptyReason();
    /// @dev Role bits outside appraiser, lawyer, auditor, trustee (or not exactly one where one
    /// role is meant).
    error InvalidRoles(uint8 roles);
    /// @dev The attester does not hold `role` (it holds `held`).
    error AttesterLacksRole(address attester, uint8 role, uint8 held);
    /// @dev A valuation dated after the block, or zero.
    error InvalidValuation(uint128 valuation, uint40 valuedAt, uint256 now_);

    /**
     * @param admin Receives DEFAULT_ADMIN_ROLE (sets attesters and requirements).
     * @param registrar Receives REGISTRAR_ROLE.
     * @param adminDelay Seconds between the start of an admin handover and its acceptance.
     */
    constructor(address admin, address registrar, uint48 adminDelay) AccessControlDefaultAdminRules(adminDelay, admin) {
        _grantRole(REGISTRAR_ROLE, registrar);
    }

    // ---------------------------------------------------------------- assets

    /**
     * @notice Registers an asset. Registrar only.
     * @param assetType Its type ({AssetType}).
     * @param location Where it is (free text: city, district, address, coordinates).
     * @param pool 0, or the id of a Pool asset it belongs to.
     * @return id The new asset's id. Emits {AssetRegistered}.
     */
    function registerAsset(AssetType assetType, string calldata location, uint64 pool)
        external
        onlyRole(REGISTRAR_ROLE)
        returns (uint64 id)
    {
        if (pool != 0) {
            _checkAsset(pool);
            if (_assets[pool].assetType != AssetType.Pool) revert NotAPool(pool);
            ++_assets[pool].members;
        }
        id = ++assetCount;
        Asset storage a = _assets[id];
        a.assetType = assetType;
        a.pool = pool;
        a.location = location;
        emit AssetRegistered(id, assetType, pool, location);
    }

    /**
     * @notice Records an asset's valuation. Only an attester holding the appraiser role, which
     * is recorded as the appraiser.
     * @param assetId The asset.
     * @param valuation Amount in the smallest unit of `currency`.
     * @param currency ISO 4217 code, e.g. "CNY".
     * @param valuedAt The valuation's date (unix seconds, not after the block).
     * Emits {AssetValued}.
     */
    function recordValuation(uint64 assetId, uint128 valuation, bytes3 currency, uint40 valuedAt) external {
        _checkAsset(assetId);
        _checkRole(msg.sender, APPRAISER);
        if (valuation == 0 || valuedAt > block.timestamp) {
            revert InvalidValuation(valuation, valuedAt, block.timestamp);
        }
        Asset storage a = _assets[assetId];
        a.valuation = valuation;
        a.currency = currency;
        a.valuedAt = valuedAt;
        a.appraiser = msg.sender;
        emit AssetValued(assetId, valuation, currency, valuedAt, msg.sender);
    }

    /**
     * @notice One asset.
     * @param id The asset id.
     * @return The asset.
     */
    function asset(uint64 id) external view returns (Asset memory) {
        _checkAsset(id);
        return _assets[id];
    }

    // ---------------------------------------------------------------- documents

    /**
     * @notice Registers a document of `kind` about `asset` (0: the deal); it supersedes the
     * latest version of the same asset and kind, if any. Registrar only.
     * @param assetId The asset (0 for the deal).
     * @param kind Document kind (nonzero; the toolkit names them: 1 appraisal, 2 legal opinion,
     * 3 title and encumbrances, 4 leases or rent roll, 5 operator statement, 6 revenue report,
     * 7 offering memorandum, 8 other).
     * @param contentHash keccak256 of the file's bytes.
     * @param uri Where the file can be fetched.
     * @return version The new document's version (1 for the first of its series).
     * Emits {DocumentRegistered} and, for a new version, {DocumentSuperseded}.
     */
    function registerDocument(uint64 assetId, uint16 kind, bytes32 contentHash, string calldata uri)
        external
        onlyRole(REGISTRAR_ROLE)
        returns (uint32 version)
    {
        if (contentHash == bytes32(0) || kind == 0) revert InvalidDocument(contentHash, kind);
        if (assetId != 0) _checkAsset(assetId);
        Document storage d = _documents[contentHash];
        if (d.status != Status.None) revert DocumentAlreadyRegistered(contentHash);
        uint256 series = (uint256(assetId) << 16) | kind;
        bytes32 previous = _latest[series];
        version = 1;
        if (previous != bytes32(0)) {
            Document storage old = _documents[previous];
            version = old.version + 1;
            if (old.status == Status.Current) {
                old.status = Status.Superseded;
                emit DocumentSuperseded(previous, contentHash);
            }
        }
        _latest[series] = contentHash;
        _documents[contentHash] = Document({
            asset: assetId,
            kind: kind,
            version: version,
            status: Status.Current,
            attestedRoles: 0,
            registeredAt: uint40(block.timestamp)
        });
        emit DocumentRegistered(contentHash, assetId, kind, version, uri, msg.sender);
    }

    /**
     * @notice Revokes a document (current or superseded) for `reason`. Registrar only.
     * @param contentHash The document.
     * @param reason Why (nonempty; recorded in {DocumentRevoked}).
     */
    function revokeDocument(bytes32 contentHash, string calldata reason) external onlyRole(REGISTRAR_ROLE) {
        if (bytes(reason).length == 0) revert EmptyReason();
        Document storage d = _documents[contentHash];
        if (d.status == Status.None) revert UnknownDocument(contentHash);
        if (d.status == Status.Revoked) revert DocumentNotCurrent(contentHash, d.status);
        d.status = Status.Revoked;
        emit DocumentRevoked(contentHash, reason, msg.sender);
    }

    /**
     * @notice Attests the current document `contentHash` in `role`, which the caller must hold.
     * @dev An attestation stays on record if the attester later loses the role (it was made
     * while the role was held; {DocumentAttested} says by whom). Emits {DocumentAttested}.
     * @param contentHash The document.
     * @param role One role bit.
     */
    function attest(bytes32 contentHash, uint8 role) external {
        if (role == 0 || role > ALL_ROLES || role & (role - 1) != 0) revert InvalidRoles(role);
        _checkRole(msg.sender, role);
        Document storage d = _documents[contentHash];
        if (d.status == Status.None) revert UnknownDocument(contentHash);
        if (d.status != Status.Current) revert DocumentNotCurrent(contentHash, d.status);
        d.attestedRoles |= role;
        emit DocumentAttested(contentHash, msg.sender, role);
    }

    /**
     * @notice One document's record (status None if unknown).
     * @param contentHash The document.
     * @return The record.
     */
    function document(bytes32 contentHash) external view returns (Document memory) {
        return _documents[contentHash];
    }

    /**
     * @notice The latest version of a series (0 if none).
     * @param assetId The asset (0 for the deal).
     * @param kind The kind.
     * @return The content hash.
     */
    function latestDocument(uint64 assetId, uint16 kind) external view returns (bytes32) {
        return _latest[(uint256(assetId) << 16) | kind];
    }

    // ---------------------------------------------------------------- attesters and requirements

    /**
     * @notice Sets the role bits of an attester (0 removes it). Admin only. Emits {AttesterSet}.
     * @param attester The attester's address.
     * @param roles Role bits.
     */
    function setAttester(address attester, uint8 roles) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (roles > ALL_ROLES) revert InvalidRoles(roles);
        attesterRoles[attester] = roles;
        emit AttesterSet(attester, roles);
    }

    /**
     * @notice Requires a current document of `kind` for `asset`, attested in every role of
     * `roles`, before the sale. Admin only. Emits {DocumentRequired}.
     * @param assetId The asset (0 for the deal).
     * @param kind The kind (nonzero).
     * @param roles Role bits whose attestation is required (at least one).
     */
    function requireDocument(uint64 assetId, uint16 kind, uint8 roles) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (kind == 0) revert InvalidDocument(bytes32(0), kind);
        if (roles == 0 || roles > ALL_ROLES) revert InvalidRoles(roles);
        if (assetId != 0) _checkAsset(assetId);
        _requirements.push(Requirement(assetId, kind, roles));
        emit DocumentRequired(_requirements.length - 1, assetId, kind, roles);
    }

    /**
     * @notice Every requirement.
     * @return The requirements, in order.
     */
    function requirements() external view returns (Requirement[] memory) {
        return _requirements;
    }

    /**
     * @notice Whether every required document is registered, current and attested.
     * @return met True if all are.
     * @return missing Index of the first requirement not met (the count if all are).
     */
    function requiredDocumentsMet() public view returns (bool met, uint256 missing) {
        uint256 n = _requirements.length;
        for (uint256 i = 0; i < n; ++i) {
            Requirement memory r = _requirements[i];
            Document memory d = _documents[_latest[(uint256(r.asset) << 16) | r.kind]];
            if (d.status != Status.Current || d.attestedRoles & r.roles != r.roles) return (false, i);
        }
        return (true, n);
    }

    /// @inheritdoc IDocumentRegistry
    function requireDocuments() external view {
        (bool met, uint256 i) = requiredDocumentsMet();
        if (met) return;
        Requirement memory r = _requirements[i];
        Document memory d = _documents[_latest[(uint256(r.asset) << 16) | r.kind]];
        uint8 attested = d.status != Status.Current ? 0 : d.attestedRoles;
        revert RequiredDocumentMissing(r.asset, r.kind, r.roles, attested);
    }

    /// @inheritdoc IDocumentRegistry
    function hasAttesterRoles(address attester, uint8 roles) external view returns (bool) {
        return roles != 0 && attesterRoles[attester] & roles == roles;
    }

    function _checkAsset(uint64 id) private view {
        if (id == 0 || id > assetCount) revert UnknownAsset(id, assetCount);
    }

    function _checkRole(address attester, uint8 role) private view {
        uint8 held = attesterRoles[attester];
        if (held & role != role) revert AttesterLacksRole(attester, role, held);
    }
}
