using DicomWeb.Dicom;

namespace DicomWeb.Storage.Blobs;

/// <summary>Builds blob keys from validated UIDs: no client string reaches a path unchecked.</summary>
public static class BlobKeys
{
    /// <summary>The key of an instance's Part 10 bytes for one stored version.</summary>
    public static string Instance(string study, string series, string sop, string version) => Build(study, series, sop, version, ".dcm");

    /// <summary>The key of an instance's precomputed DICOM JSON for one stored version.</summary>
    public static string Metadata(string study, string series, string sop, string version) => Build(study, series, sop, version, ".json");

    private static string Build(string study, string series, string sop, string version, string extension)
    {
        if (!DicomUid.IsValid(study) || !DicomUid.IsValid(series) || !DicomUid.IsValid(sop))
            throw new ArgumentException("blob keys are built from valid UIDs only");
        if (version.Length != 32 || !version.All(char.IsAsciiHexDigitLower)) throw new ArgumentException("version must be 32 lower-case hex digits", nameof(version));
        return $"{study}/{series}/{sop}.{version}{extension}";
    }

    /// <summary>True for keys of path segments made of letters, digits, dots, dashes and underscores, with no "." or ".." segment.</summary>
    public static bool IsSafe(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 512) return false;
        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or "..") return false;
            foreach (var c in segment)
                if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')) return false;
        }
        return true;
    }
}
