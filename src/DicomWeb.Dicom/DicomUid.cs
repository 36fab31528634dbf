namespace DicomWeb.Dicom;

/// <summary>Syntax of unique identifiers (PS3.5 §9.1): digits and dots, at most 64 characters.</summary>
public static class DicomUid
{
    /// <summary>The longest UID the standard allows.</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// True when <paramref name="uid"/> is non-empty, at most 64 characters, made of dot-separated
    /// runs of digits with no empty run. Leading zeros are tolerated (real devices write them).
    /// </summary>
    public static bool IsValid(ReadOnlySpan<char> uid)
    {
        if (uid.IsEmpty || uid.Length > MaxLength || uid[0] == '.' || uid[^1] == '.') return false;
        var previousDot = false;
        foreach (var c in uid)
        {
            if (c == '.')
            {
                if (previousDot) return false;
                previousDot = true;
            }
            else if (c is >= '0' and <= '9') previousDot = false;
            else return false;
        }
        return true;
    }
}
