namespace DicomWeb.Storage.Retrieval;

/// <summary>What retrieval needs to know about one stored instance, read from the index without touching its blobs.</summary>
/// <param name="StudyInstanceUid">Study Instance UID.</param>
/// <param name="SeriesInstanceUid">Series Instance UID.</param>
/// <param name="SopInstanceUid">SOP Instance UID.</param>
/// <param name="SopClassUid">SOP Class UID.</param>
/// <param name="TransferSyntaxUid">The transfer syntax the instance is stored in.</param>
/// <param name="BlobKey">Blob key of the Part 10 bytes.</param>
/// <param name="MetadataKey">Blob key of the precomputed DICOM JSON.</param>
/// <param name="Size">Stored size in bytes.</param>
/// <param name="ContentHash">Hash of the stored bytes (see <see cref="Ingest.ContentHash"/>).</param>
/// <param name="Frames">Frame locations in <see cref="Index.FrameTable"/> encoding, or null when none were indexed.</param>
/// <param name="NumberOfFrames">Number of Frames, null for single-frame objects.</param>
/// <param name="Rows">Rows.</param>
/// <param name="Columns">Columns.</param>
/// <param name="BitsAllocated">Bits Allocated.</param>
/// <param name="StoredAt">When the instance was stored (UTC).</param>
public sealed record StoredInstance(
    string StudyInstanceUid,
    string SeriesInstanceUid,
    string SopInstanceUid,
    string SopClassUid,
    string TransferSyntaxUid,
    string BlobKey,
    string MetadataKey,
    long Size,
    string ContentHash,
    byte[]? Frames,
    int? NumberOfFrames,
    int? Rows,
    int? Columns,
    int? BitsAllocated,
    DateTime StoredAt);

/// <summary>The level of the DICOM hierarchy a retrieve URL names.</summary>
public enum ResourceLevel
{
    /// <summary>A study.</summary>
    Study,
    /// <summary>A series.</summary>
    Series,
    /// <summary>An instance.</summary>
    Instance,
}

/// <summary>The instances a retrieve URL names, or which part of the URL names nothing stored.</summary>
/// <param name="Instances">The instances, ordered by series and instance number; empty when <paramref name="Missing"/> is set.</param>
/// <param name="Missing">The first level of the URL that is not stored, or null when instances were found.</param>
/// <param name="Reason">Why nothing was found, naming the UID, for a 404 body.</param>
public sealed record RetrievalResult(IReadOnlyList<StoredInstance> Instances, ResourceLevel? Missing, string? Reason)
{
    /// <summary>True when at least one instance was found.</summary>
    public bool Found => Missing is null;
}
