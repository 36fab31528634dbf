namespace DicomWeb.Storage.Ingest;

/// <summary>Failure Reason (0008,1197) codes a store reports per instance (PS3.4 Annex B status codes).</summary>
public static class StoreFailureReason
{
    /// <summary>0x0110 Processing failure: an unexpected error while storing.</summary>
    public const ushort ProcessingFailure = 0x0110;
    /// <summary>0x0111 Duplicate SOP Instance: the UID is stored already and the policy rejects duplicates.</summary>
    public const ushort DuplicateSopInstance = 0x0111;
    /// <summary>0xA700 Out of resources: no space left to store the instance.</summary>
    public const ushort OutOfResources = 0xA700;
    /// <summary>0xA900 Data set does not match SOP class: a required attribute is missing or invalid, or the study UID is not the one requested.</summary>
    public const ushort DataSetDoesNotMatch = 0xA900;
    /// <summary>0xC000 Cannot understand: the part is not readable DICOM.</summary>
    public const ushort CannotUnderstand = 0xC000;
}

/// <summary>What became of one instance offered for storage.</summary>
/// <param name="SopClassUid">SOP Class UID, when it could be read.</param>
/// <param name="SopInstanceUid">SOP Instance UID, when it could be read.</param>
/// <param name="StudyInstanceUid">Study Instance UID, when it could be read.</param>
/// <param name="SeriesInstanceUid">Series Instance UID, when it could be read.</param>
/// <param name="FailureReason">Null when stored; otherwise a <see cref="StoreFailureReason"/> code.</param>
/// <param name="Message">Why it failed, or what was noticed when it was stored.</param>
public sealed record StoreOutcome(
    string? SopClassUid,
    string? SopInstanceUid,
    string? StudyInstanceUid,
    string? SeriesInstanceUid,
    ushort? FailureReason,
    string? Message)
{
    /// <summary>True when the instance is stored.</summary>
    public bool Stored => FailureReason is null;

    /// <summary>Warnings about a stored instance (e.g. what the reader tolerated).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    internal static StoreOutcome Failed(ushort reason, string message, string? sopClass = null, string? sop = null) =>
        new(sopClass, sop, null, null, reason, message);
}
