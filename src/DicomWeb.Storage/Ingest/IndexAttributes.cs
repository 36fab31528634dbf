using System.Globalization;
using System.Text;
using DicomWeb.Dicom;
using DicomWeb.Storage.Index;

namespace DicomWeb.Storage.Ingest;

/// <summary>Copies the attributes the index holds from a data set into its records.</summary>
public static class IndexAttributes
{
    /// <summary>The identity a patient record is found by.</summary>
    public static string PatientKey(DicomDataset dataset)
    {
        var id = dataset.GetString(DicomTags.PatientID);
        if (!string.IsNullOrEmpty(id)) return $"id:{dataset.GetString(DicomTags.IssuerOfPatientID)}|{id}";
        return $"name:{dataset.GetString(DicomTags.PatientName)}|{dataset.GetString(DicomTags.PatientBirthDate)}";
    }

    /// <summary>Fills a new patient record.</summary>
    public static void Apply(PatientRecord patient, DicomDataset dataset)
    {
        patient.PatientKey = PatientKey(dataset);
        patient.PatientId = Text(dataset, DicomTags.PatientID);
        patient.IssuerOfPatientId = Text(dataset, DicomTags.IssuerOfPatientID);
        patient.PatientName = Text(dataset, DicomTags.PatientName);
        patient.PatientNameFolded = Fold(patient.PatientName);
        patient.PatientBirthDate = Text(dataset, DicomTags.PatientBirthDate);
        patient.PatientSex = Text(dataset, DicomTags.PatientSex);
    }

    /// <summary>Fills a new study record.</summary>
    public static void Apply(StudyRecord study, DicomDataset dataset)
    {
        study.StudyInstanceUid = dataset.GetString(DicomTags.StudyInstanceUID)!;
        study.StudyDate = Text(dataset, DicomTags.StudyDate);
        study.StudyTime = Text(dataset, DicomTags.StudyTime);
        study.AccessionNumber = Text(dataset, DicomTags.AccessionNumber);
        study.StudyId = Text(dataset, DicomTags.StudyID);
        study.StudyDescription = Text(dataset, DicomTags.StudyDescription);
        study.ReferringPhysicianName = Text(dataset, DicomTags.ReferringPhysicianName);
        study.ReferringPhysicianNameFolded = Fold(study.ReferringPhysicianName);
        study.InstitutionName = Text(dataset, DicomTags.InstitutionName);
        study.TimezoneOffsetFromUtc = Text(dataset, DicomTags.TimezoneOffsetFromUTC);
        study.PatientAge = Text(dataset, DicomTags.PatientAge);
    }

    /// <summary>Fills a new series record.</summary>
    public static void Apply(SeriesRecord series, DicomDataset dataset)
    {
        series.SeriesInstanceUid = dataset.GetString(DicomTags.SeriesInstanceUID)!;
        series.Modality = Text(dataset, DicomTags.Modality);
        series.SeriesNumber = dataset.GetInt32(DicomTags.SeriesNumber);
        series.SeriesDescription = Text(dataset, DicomTags.SeriesDescription);
        series.SeriesDate = Text(dataset, DicomTags.SeriesDate);
        series.SeriesTime = Text(dataset, DicomTags.SeriesTime);
        series.PerformedProcedureStepStartDate = Text(dataset, DicomTags.PerformedProcedureStepStartDate);
        series.PerformedProcedureStepStartTime = Text(dataset, DicomTags.PerformedProcedureStepStartTime);
        series.Manufacturer = Text(dataset, DicomTags.Manufacturer);
        series.ManufacturerModelName = Text(dataset, DicomTags.ManufacturerModelName);
        series.BodyPartExamined = Text(dataset, DicomTags.BodyPartExamined);
        series.StationName = Text(dataset, DicomTags.StationName);
        series.ProtocolName = Text(dataset, DicomTags.ProtocolName);
        series.InstitutionName = Text(dataset, DicomTags.InstitutionName);
        var request = dataset.GetSequence(DicomTags.RequestAttributesSequence);
        if (request.Count > 0)
        {
            series.RequestedProcedureId = Text(request[0], DicomTags.RequestedProcedureID);
            series.ScheduledProcedureStepId = Text(request[0], DicomTags.ScheduledProcedureStepID);
        }
    }

    /// <summary>Fills the attribute columns of an instance record.</summary>
    public static void Apply(InstanceRecord instance, DicomDataset dataset)
    {
        instance.SopInstanceUid = dataset.GetString(DicomTags.SOPInstanceUID)!;
        instance.SopClassUid = dataset.GetString(DicomTags.SOPClassUID)!;
        instance.InstanceNumber = dataset.GetInt32(DicomTags.InstanceNumber);
        instance.Rows = dataset.GetInt32(DicomTags.Rows);
        instance.Columns = dataset.GetInt32(DicomTags.Columns);
        instance.BitsAllocated = dataset.GetInt32(DicomTags.BitsAllocated);
        instance.NumberOfFrames = dataset.GetInt32(DicomTags.NumberOfFrames);
        instance.ContentDate = Text(dataset, DicomTags.ContentDate);
        instance.ContentTime = Text(dataset, DicomTags.ContentTime);
    }

    /// <summary>
    /// Folds a name for case- and accent-insensitive matching: upper case, diacritics removed.
    /// Component and group delimiters stay so that patterns keep their shape.
    /// </summary>
    public static string? Fold(string? name)
    {
        if (string.IsNullOrEmpty(name)) return name;
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) builder.Append(char.ToUpperInvariant(c));
        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    private static string? Text(DicomDataset dataset, DicomTag tag)
    {
        var value = dataset.GetString(tag);
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
