namespace DicomWeb.Dicom;

/// <summary>
/// A TM query value for range matching (PS3.4 §C.2.2.2.5): "time1-time2", "-time2", "time1-" or a single time.
/// Each end covers its own precision: "10-11" matches 10:00:00 to 11:59:59.999999. Either end may be open, not
/// both, and the start may not be after the end (a range does not wrap past midnight).
/// </summary>
public readonly struct DicomTimeRange : IEquatable<DicomTimeRange>
{
    /// <summary>A range between two times, either of which may be open (null); throws <see cref="ArgumentException"/> when both are open or the start is after the end.</summary>
    public DicomTimeRange(DicomTime? start, DicomTime? end)
    {
        if (start is null && end is null) throw new ArgumentException("A range needs at least one end.");
        if (start is { } s && end is { } e && s.Earliest > e.Latest) throw new ArgumentException("The start of a range may not be after its end.");
        Start = start;
        End = end;
        IsRange = true;
    }

    /// <summary>A single-value key, matching the span the value covers ("10" matches any time in that hour).</summary>
    public DicomTimeRange(DicomTime value)
    {
        Start = End = value;
        IsRange = false;
    }

    /// <summary>The start, or null when the range is open at the start.</summary>
    public DicomTime? Start { get; }

    /// <summary>The end, or null when the range is open at the end.</summary>
    public DicomTime? End { get; }

    /// <summary>False for a single-value key, true for a range.</summary>
    public bool IsRange { get; }

    /// <summary>The first instant matched; midnight when open at the start.</summary>
    public TimeOnly Earliest => Start?.Earliest ?? TimeOnly.MinValue;

    /// <summary>The last microsecond matched; 23:59:59.999999 when open at the end.</summary>
    public TimeOnly Latest => End?.Latest ?? new TimeOnly(TimeSpan.TicksPerDay - DicomValueText.TicksPerMicrosecond);

    /// <summary>Parses a TM matching key; false (no exception) when malformed, empty, "-" alone, or start after end.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DicomTimeRange result)
    {
        result = default;
        text = DicomValueText.Trim(text);
        var dash = text.IndexOf('-');
        if (dash < 0)
        {
            if (!DicomTime.TryParse(text, out var single)) return false;
            result = new DicomTimeRange(single);
            return true;
        }
        if (text[(dash + 1)..].Contains('-')) return false;
        if (!TryParseEnd(text[..dash], out var start) || !TryParseEnd(text[(dash + 1)..], out var end)) return false;
        if (start is null && end is null) return false;
        if (start is { } s && end is { } e && s.Earliest > e.Latest) return false;
        result = new DicomTimeRange(start, end);
        return true;
    }

    private static bool TryParseEnd(ReadOnlySpan<char> text, out DicomTime? value)
    {
        value = null;
        text = DicomValueText.Trim(text);
        if (text.IsEmpty) return true;
        if (!DicomTime.TryParse(text, out var parsed)) return false;
        value = parsed;
        return true;
    }

    /// <summary>Parses a TM matching key; throws <see cref="FormatException"/> when it is malformed.</summary>
    public static DicomTimeRange Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var result) ? result : throw new FormatException($"'{text}' is not a valid TM range.");

    /// <summary>True when <paramref name="time"/> lies within the range.</summary>
    public bool Contains(TimeOnly time) => time >= Earliest && time <= Latest;

    /// <summary>True when the span covered by the stored value <paramref name="time"/> overlaps the range.</summary>
    public bool Matches(DicomTime time) => time.Latest >= Earliest && time.Earliest <= Latest;

    /// <summary>The key in TM form: "a-b", "a-", "-b" or a single "a".</summary>
    public override string ToString() => IsRange ? $"{Start}-{End}" : Start?.ToString() ?? string.Empty;

    /// <inheritdoc />
    public bool Equals(DicomTimeRange other) => Nullable.Equals(Start, other.Start) && Nullable.Equals(End, other.End) && IsRange == other.IsRange;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DicomTimeRange other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Start, End, IsRange);

    /// <summary>Equality.</summary>
    public static bool operator ==(DicomTimeRange left, DicomTimeRange right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DicomTimeRange left, DicomTimeRange right) => !left.Equals(right);
}
