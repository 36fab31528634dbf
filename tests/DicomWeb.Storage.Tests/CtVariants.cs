using DicomWeb.Dicom;
using DicomWeb.Dicom.Tests;

namespace DicomWeb.Storage.Tests;

/// <summary>Instances made from the corpus CT: its bytes with another SOP Instance UID and, optionally, other attributes.</summary>
internal static class CtVariants
{
    /// <summary>The corpus file the variants are made of.</summary>
    public const string Source = "native/ct_explicit_le.dcm";

    /// <summary>
    /// The corpus CT with its own SOP Instance UID (same patient; same study and series unless given), optionally
    /// another study description.
    /// </summary>
    public static byte[] Make(string sop, string? description = null, string? study = null, string? series = null)
    {
        var file = DicomFile.Read(new MemoryStream(File.ReadAllBytes(TestData.PathOf(Source))));
        if (study != null) file.Dataset.SetStrings(DicomTags.StudyInstanceUID, DicomVR.UI, study);
        if (series != null) file.Dataset.SetStrings(DicomTags.SeriesInstanceUID, DicomVR.UI, series);
        file.Dataset.SetStrings(DicomTags.SOPInstanceUID, DicomVR.UI, sop);
        if (description != null) file.Dataset.SetStrings(DicomTags.StudyDescription, DicomVR.LO, description);
        file.FileMetaInformation.Remove(DicomTags.MediaStorageSOPInstanceUID);
        var output = new MemoryStream();
        DicomFileWriter.Write(output, file);
        return output.ToArray();
    }
}
