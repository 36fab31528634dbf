namespace DicomWeb.Storage;

/// <summary>Which database holds the index.</summary>
public enum IndexProvider
{
    /// <summary>An embedded SQLite file in the data folder (the default).</summary>
    Sqlite,
    /// <summary>A PostgreSQL server, for when one machine is not enough.</summary>
    PostgreSql,
}

/// <summary>What to do when an instance arrives whose SOP Instance UID is already stored.</summary>
public enum DuplicatePolicy
{
    /// <summary>Keep the stored instance; the new one fails with reason 0x0111 (duplicate SOP instance). The default.</summary>
    Reject,
    /// <summary>Replace the stored instance with the new one.</summary>
    Replace,
}

/// <summary>The <c>Storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Storage";

    /// <summary>The data folder: blobs, metadata, staging, and the SQLite index file. <c>Storage:Path</c>.</summary>
    public string Path { get; set; } = "./data";

    /// <summary>The index database provider. <c>Storage:Provider</c>.</summary>
    public IndexProvider Provider { get; set; } = IndexProvider.Sqlite;

    /// <summary>Connection string; for SQLite the default is a file <c>index.db</c> in the data folder. <c>Storage:ConnectionString</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The policy for instances already stored. <c>Storage:DuplicatePolicy</c>.</summary>
    public DuplicatePolicy DuplicatePolicy { get; set; } = DuplicatePolicy.Reject;

    /// <summary>
    /// Flush each stored file to the disk before the index commit (fsync), so that an instance the server
    /// acknowledged survives a power loss, not only a process crash. <c>Storage:FlushToDisk</c>, default true.
    /// </summary>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>The data folder as a full path.</summary>
    public string FullPath => System.IO.Path.GetFullPath(Path);
}
