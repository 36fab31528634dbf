namespace DicomWeb.Server.Http;

/// <summary>Media types of DICOMweb responses.</summary>
public static class DicomMediaTypes
{
    /// <summary>DICOM JSON (PS3.18 Annex F).</summary>
    public const string DicomJson = "application/dicom+json";
    /// <summary>Native DICOM Model XML (PS3.19).</summary>
    public const string DicomXml = "application/dicom+xml";
    /// <summary>DICOM Part 10.</summary>
    public const string Dicom = "application/dicom";
}
