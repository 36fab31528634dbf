using System.Linq.Expressions;
using DicomWeb.Dicom;
using DicomWeb.Storage.Index;

namespace DicomWeb.Storage.Query;

/// <summary>
/// The attributes the index holds, for matching and for building results, and the resolution of query attribute
/// names (keyword, tag, or dotted sequence path) to them.
/// </summary>
public static class QueryAttributes
{
    private static readonly List<QueryAttribute> s_all = [];

    static QueryAttributes()
    {
        Patient(DicomTags.PatientName, DicomVR.PN, MatchType.PersonName, p => p.PatientName, r => r.PatientName, p => p.PatientNameFolded);
        Patient(DicomTags.PatientID, DicomVR.LO, MatchType.Text, p => p.PatientId, r => r.PatientId);
        Patient(DicomTags.IssuerOfPatientID, DicomVR.LO, MatchType.Text, p => p.IssuerOfPatientId, r => r.IssuerOfPatientId);
        Patient(DicomTags.PatientBirthDate, DicomVR.DA, MatchType.Date, p => p.PatientBirthDate, r => r.PatientBirthDate);
        Patient(DicomTags.PatientSex, DicomVR.CS, MatchType.Code, p => p.PatientSex, r => r.PatientSex);

        Study(DicomTags.StudyInstanceUID, DicomVR.UI, MatchType.Uid, s => s.StudyInstanceUid, r => r.StudyInstanceUid);
        Study(DicomTags.StudyDate, DicomVR.DA, MatchType.Date, s => s.StudyDate, r => r.StudyDate);
        Study(DicomTags.StudyTime, DicomVR.TM, MatchType.Time, s => s.StudyTime, r => r.StudyTime);
        Study(DicomTags.AccessionNumber, DicomVR.SH, MatchType.Text, s => s.AccessionNumber, r => r.AccessionNumber);
        Study(DicomTags.StudyID, DicomVR.SH, MatchType.Text, s => s.StudyId, r => r.StudyId);
        Study(DicomTags.StudyDescription, DicomVR.LO, MatchType.Text, s => s.StudyDescription, r => r.StudyDescription);
        Study(DicomTags.ReferringPhysicianName, DicomVR.PN, MatchType.PersonName, s => s.ReferringPhysicianName, r => r.ReferringPhysicianName,
            s => s.ReferringPhysicianNameFolded);
        Study(DicomTags.InstitutionName, DicomVR.LO, MatchType.Text, s => s.InstitutionName, r => r.StudyInstitutionName);
        Study(DicomTags.TimezoneOffsetFromUTC, DicomVR.SH, MatchType.Text, s => s.TimezoneOffsetFromUtc, r => r.TimezoneOffsetFromUtc);
        Study(DicomTags.PatientAge, DicomVR.AS, MatchType.Text, s => s.PatientAge, r => r.PatientAge);
        Computed(DicomTags.ModalitiesInStudy, DicomVR.CS, IndexEntity.Study, MatchType.ModalitiesInStudy, r => r.ModalitiesInStudy);
        Computed(DicomTags.SOPClassesInStudy, DicomVR.UI, IndexEntity.Study, MatchType.SopClassesInStudy, r => r.SopClassesInStudy);
        Computed(DicomTags.NumberOfStudyRelatedSeries, DicomVR.IS, IndexEntity.Study, MatchType.None, r => r.NumberOfStudyRelatedSeries);
        Computed(DicomTags.NumberOfStudyRelatedInstances, DicomVR.IS, IndexEntity.Study, MatchType.None, r => r.NumberOfStudyRelatedInstances);

        Series(DicomTags.SeriesInstanceUID, DicomVR.UI, MatchType.Uid, s => s.SeriesInstanceUid, r => r.SeriesInstanceUid);
        Series(DicomTags.Modality, DicomVR.CS, MatchType.Code, s => s.Modality, r => r.Modality);
        Series(DicomTags.SeriesNumber, DicomVR.IS, MatchType.Integer, s => s.SeriesNumber, r => r.SeriesNumber);
        Series(DicomTags.SeriesDescription, DicomVR.LO, MatchType.Text, s => s.SeriesDescription, r => r.SeriesDescription);
        Series(DicomTags.SeriesDate, DicomVR.DA, MatchType.Date, s => s.SeriesDate, r => r.SeriesDate);
        Series(DicomTags.SeriesTime, DicomVR.TM, MatchType.Time, s => s.SeriesTime, r => r.SeriesTime);
        Series(DicomTags.PerformedProcedureStepStartDate, DicomVR.DA, MatchType.Date, s => s.PerformedProcedureStepStartDate, r => r.PerformedProcedureStepStartDate);
        Series(DicomTags.PerformedProcedureStepStartTime, DicomVR.TM, MatchType.Time, s => s.PerformedProcedureStepStartTime, r => r.PerformedProcedureStepStartTime);
        Series([DicomTags.RequestAttributesSequence, DicomTags.RequestedProcedureID], DicomVR.SH, MatchType.Text, s => s.RequestedProcedureId, r => r.RequestedProcedureId);
        Series([DicomTags.RequestAttributesSequence, DicomTags.ScheduledProcedureStepID], DicomVR.SH, MatchType.Text, s => s.ScheduledProcedureStepId, r => r.ScheduledProcedureStepId);
        Series(DicomTags.Manufacturer, DicomVR.LO, MatchType.Text, s => s.Manufacturer, r => r.Manufacturer);
        Series(DicomTags.ManufacturerModelName, DicomVR.LO, MatchType.Text, s => s.ManufacturerModelName, r => r.ManufacturerModelName);
        Series(DicomTags.BodyPartExamined, DicomVR.CS, MatchType.Code, s => s.BodyPartExamined, r => r.BodyPartExamined);
        Series(DicomTags.StationName, DicomVR.SH, MatchType.Text, s => s.StationName, r => r.StationName);
        Series(DicomTags.ProtocolName, DicomVR.LO, MatchType.Text, s => s.ProtocolName, r => r.ProtocolName);
        Series(DicomTags.InstitutionName, DicomVR.LO, MatchType.Text, s => s.InstitutionName, r => r.SeriesInstitutionName);
        Computed(DicomTags.NumberOfSeriesRelatedInstances, DicomVR.IS, IndexEntity.Series, MatchType.None, r => r.NumberOfSeriesRelatedInstances);

        Instance(DicomTags.SOPInstanceUID, DicomVR.UI, MatchType.Uid, i => i.SopInstanceUid, r => r.SopInstanceUid);
        Instance(DicomTags.SOPClassUID, DicomVR.UI, MatchType.Uid, i => i.SopClassUid, r => r.SopClassUid);
        Instance(DicomTags.InstanceNumber, DicomVR.IS, MatchType.Integer, i => i.InstanceNumber, r => r.InstanceNumber);
        Instance(DicomTags.Rows, DicomVR.US, MatchType.Integer, i => i.Rows, r => r.Rows);
        Instance(DicomTags.Columns, DicomVR.US, MatchType.Integer, i => i.Columns, r => r.Columns);
        Instance(DicomTags.BitsAllocated, DicomVR.US, MatchType.Integer, i => i.BitsAllocated, r => r.BitsAllocated);
        Instance(DicomTags.NumberOfFrames, DicomVR.IS, MatchType.Integer, i => i.NumberOfFrames, r => r.NumberOfFrames);
        Instance(DicomTags.ContentDate, DicomVR.DA, MatchType.Date, i => i.ContentDate, r => r.ContentDate);
        Instance(DicomTags.ContentTime, DicomVR.TM, MatchType.Time, i => i.ContentTime, r => r.ContentTime);
    }

    /// <summary>Every attribute the index holds or computes.</summary>
    public static IReadOnlyList<QueryAttribute> All => s_all;

    /// <summary>The TM attribute that forms a combined date-time with a DA attribute (PS3.4 §C.2.2.2.5.1), or null.</summary>
    public static DicomTag? PairedTime(DicomTag date)
    {
        if (date == DicomTags.StudyDate) return DicomTags.StudyTime;
        if (date == DicomTags.SeriesDate) return DicomTags.SeriesTime;
        if (date == DicomTags.PerformedProcedureStepStartDate) return DicomTags.PerformedProcedureStepStartTime;
        if (date == DicomTags.ContentDate) return DicomTags.ContentTime;
        return null;
    }

    /// <summary>
    /// The attribute with this tag path as seen from a search at <paramref name="level"/>: where several tables hold the
    /// same attribute (Institution Name on studies and series), the deepest one the level has; null when the index
    /// does not hold it.
    /// </summary>
    public static QueryAttribute? Find(IReadOnlyList<DicomTag> path, QueryLevel level)
    {
        QueryAttribute? best = null;
        var deepest = (IndexEntity)((int)level + 1);
        foreach (var attribute in s_all)
        {
            if (!attribute.Path.SequenceEqual(path)) continue;
            if (best == null) best = attribute;
            else if (attribute.Entity <= deepest && (best.Entity > deepest || attribute.Entity > best.Entity)) best = attribute;
        }
        return best;
    }

    /// <summary>The attribute with this single tag as seen from <paramref name="level"/>, or null.</summary>
    public static QueryAttribute? Find(DicomTag tag, QueryLevel level) => Find([tag], level);

    /// <summary>
    /// Parses an attribute name as used in a query: a keyword ("PatientName"), a tag in eight hex digits ("00100010"),
    /// or a dotted path through sequences ("RequestAttributesSequence.RequestedProcedureID", "00400275.00401001").
    /// False with a reason when a part is neither a known keyword nor a tag.
    /// </summary>
    public static bool TryParsePath(string text, out DicomTag[] path, out string error)
    {
        path = [];
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty attribute name";
            return false;
        }
        var parts = text.Split('.');
        var tags = new DicomTag[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (part.Length == 8 && DicomTag.TryParse(part, out var tag)) tags[i] = tag;
            else if (DicomDictionary.TryGetTag(part, out tag)) tags[i] = tag;
            else
            {
                error = $"unknown attribute '{part}'" + (parts.Length > 1 ? $" in '{text}'" : "") + ": neither a DICOM keyword nor a tag of eight hex digits";
                return false;
            }
        }
        path = tags;
        return true;
    }

    /// <summary>The name of a tag path for messages: keywords where known.</summary>
    public static string NameOf(IReadOnlyList<DicomTag> path) =>
        string.Join('.', path.Select(t => DicomDictionary.GetKeyword(t) ?? t.ToHexString()));

    private static void Patient<T>(DicomTag tag, DicomVR vr, MatchType match, Expression<Func<PatientRecord, T>> column,
        Func<SearchRow, object?> value, Expression<Func<PatientRecord, string?>>? folded = null) =>
        s_all.Add(new QueryAttribute([tag], vr, IndexEntity.Patient, match, column, folded, value));

    private static void Study<T>(DicomTag tag, DicomVR vr, MatchType match, Expression<Func<StudyRecord, T>> column,
        Func<SearchRow, object?> value, Expression<Func<StudyRecord, string?>>? folded = null) =>
        s_all.Add(new QueryAttribute([tag], vr, IndexEntity.Study, match, column, folded, value));

    private static void Series<T>(DicomTag tag, DicomVR vr, MatchType match, Expression<Func<SeriesRecord, T>> column, Func<SearchRow, object?> value) =>
        Series([tag], vr, match, column, value);

    private static void Series<T>(DicomTag[] path, DicomVR vr, MatchType match, Expression<Func<SeriesRecord, T>> column, Func<SearchRow, object?> value) =>
        s_all.Add(new QueryAttribute(path, vr, IndexEntity.Series, match, column, null, value));

    private static void Instance<T>(DicomTag tag, DicomVR vr, MatchType match, Expression<Func<InstanceRecord, T>> column, Func<SearchRow, object?> value) =>
        s_all.Add(new QueryAttribute([tag], vr, IndexEntity.Instance, match, column, null, value));

    private static void Computed(DicomTag tag, DicomVR vr, IndexEntity entity, MatchType match, Func<SearchRow, object?> value) =>
        s_all.Add(new QueryAttribute([tag], vr, entity, match, null, null, value));
}
