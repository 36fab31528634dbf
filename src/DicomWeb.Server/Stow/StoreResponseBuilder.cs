using DicomWeb.Dicom;
using DicomWeb.Storage.Ingest;

namespace DicomWeb.Server.Stow;

/// <summary>Builds the Store Instances Response Module (PS3.18 §10.5.3) from per-instance outcomes.</summary>
public sealed class StoreResponseBuilder(Func<string, string, string, string> instanceUrl, Func<string, string> studyUrl)
{
    private readonly List<DicomDataset> _referenced = [];
    private readonly List<DicomDataset> _failed = [];
    private readonly HashSet<string> _studies = [];

    /// <summary>How many instances were stored.</summary>
    public int StoredCount => _referenced.Count;

    /// <summary>How many instances (or parts) failed.</summary>
    public int FailedCount => _failed.Count;

    /// <summary>Records one outcome.</summary>
    public void Add(StoreOutcome outcome)
    {
        if (outcome.Stored)
        {
            var item = new DicomDataset();
            item.SetStrings(DicomTags.ReferencedSOPClassUID, DicomVR.UI, outcome.SopClassUid!);
            item.SetStrings(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, outcome.SopInstanceUid!);
            item.SetStrings(DicomTags.RetrieveURL, DicomVR.UR, instanceUrl(outcome.StudyInstanceUid!, outcome.SeriesInstanceUid!, outcome.SopInstanceUid!));
            _referenced.Add(item);
            _studies.Add(outcome.StudyInstanceUid!);
            return;
        }
        AddFailure(outcome.FailureReason!.Value, outcome.Message ?? "failed", outcome.SopClassUid, outcome.SopInstanceUid);
    }

    /// <summary>Records a failure of a part that never became an instance (unreadable part, truncated body).</summary>
    public void AddFailure(ushort reason, string message, string? sopClass = null, string? sop = null)
    {
        var item = new DicomDataset();
        // Error Comment carries the reason in words for people reading the response with curl.
        item.SetStrings(DicomTags.ErrorComment, DicomVR.LO, Truncate(message, 64));
        item.SetStrings(DicomTags.ReferencedSOPClassUID, DicomVR.UI, Uid(sopClass));
        item.SetStrings(DicomTags.ReferencedSOPInstanceUID, DicomVR.UI, Uid(sop));
        item.Set(DicomDataElement.FromValues(DicomTags.FailureReason, DicomVR.US, [reason]));
        _failed.Add(item);
    }

    /// <summary>The response data set.</summary>
    public DicomDataset Build()
    {
        var response = new DicomDataset();
        if (_studies.Count == 1) response.SetStrings(DicomTags.RetrieveURL, DicomVR.UR, studyUrl(_studies.First()));
        if (_failed.Count > 0) response.Set(new DicomSequence(DicomTags.FailedSOPSequence, _failed));
        if (_referenced.Count > 0) response.Set(new DicomSequence(DicomTags.ReferencedSOPSequence, _referenced));
        return response;
    }

    private static string Uid(string? uid) => uid != null && DicomUid.IsValid(uid) ? uid : "";

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
