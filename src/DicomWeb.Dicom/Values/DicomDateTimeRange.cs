namespace DicomWeb.Dicom;

/// <summary>
/// A DT query value for range matching (PS3.4 §C.2.2.2.5): "dt1-dt2", "-dt2", "dt1-" or a single value, where
/// each end covers its own precision ("2001-2002" matches from 2001-01-01 to the end of 2002). Also the result of
/// combining a DA key with a TM key (PS3.4 §C.2.2.2.5.1, e.g. Study Date with Study Time), see <see cref="Combine"/>.
/// Ends without a UTC offset are interpreted with the offset passed to the matching methods.
/// </summary>
public readonly struct DicomDateTimeRange : IEquatable<DicomDateTimeRange>
{
    /// <summary>A range between two values, either of which may be open (null); throws <see cref="ArgumentException"/> when both are open or the start is after the end.</summary>
    public DicomDateTimeRange(DicomDateTime? start, DicomDateTime? end)
    {
        if (start is null && end is null) throw new ArgumentException("A range needs at least one end.");
        if (IsReversed(start, end)) throw new ArgumentException("The start of a range may not be after its end.");
        Start = start;
        End = end;
        IsRange = true;
    }

    /// <summary>A single-value key, matching the span the value covers.</summary>
    public DicomDateTimeRange(DicomDateTime value)
    {
        Start = End = value;
        IsRange = false;
    }

    /// <summary>The start, or null when the range is open at the start.</summary>
    public DicomDateTime? Start { get; }

    /// <summary>The end, or null when the range is open at the end.</summary>
    public DicomDateTime? End { get; }

    /// <summary>False for a single-value key, true for a range.</summary>
    public bool IsRange { get; }

    /// <summary>The first instant matched (the start's own offset, else <paramref name="defaultOffset"/>), or null when open.</summary>
    public DateTimeOffset? GetEarliest(TimeSpan defaultOffset = default) => Start?.GetEarliest(defaultOffset);

    /// <summary>The last microsecond matched (the end's own offset, else <paramref name="defaultOffset"/>), or null when open.</summary>
    public DateTimeOffset? GetLatest(TimeSpan defaultOffset = default) => End?.GetLatest(defaultOffset);

    private static bool IsReversed(DicomDateTime? start, DicomDateTime? end)
    {
        if (start is not { } s || end is not { } e) return false;
        // An end without an offset is read in the other end's zone: "20010101+0900-20010101" is one day in Japan.
        var offset = s.Offset ?? e.Offset ?? TimeSpan.Zero;
        return s.GetEarliest(e.Offset ?? offset) > e.GetLatest(s.Offset ?? offset);
    }

    /// <summary>
    /// Parses a DT matching key; false (no exception) when malformed, empty, "-" alone, or start after end.
    /// Because '-' also introduces a negative UTC offset, every split is tried: "20010101-0500" is a single value
    /// with offset -05:00, "20010101-0500-20010102-0500" a range. Where both readings are valid (e.g. "1000-1100")
    /// the range wins; input with more than one valid range reading is rejected.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DicomDateTimeRange result)
    {
        result = default;
        text = DicomValueText.Trim(text);
        if (text.IsEmpty) return false;

        var found = false;
        for (var dash = text.IndexOf('-'); dash >= 0;)
        {
            if (TryParseEnd(text[..dash], out var start) && TryParseEnd(text[(dash + 1)..], out var end) &&
                (start is not null || end is not null) && !IsReversed(start, end))
            {
                if (found) return false; // ambiguous
                found = true;
                result = new DicomDateTimeRange(start, end);
            }
            var next = text[(dash + 1)..].IndexOf('-');
            dash = next < 0 ? -1 : dash + 1 + next;
        }
        if (found) return true;

        if (!DicomDateTime.TryParse(text, out var single)) return false;
        result = new DicomDateTimeRange(single);
        return true;
    }

    private static bool TryParseEnd(ReadOnlySpan<char> text, out DicomDateTime? value)
    {
        value = null;
        text = DicomValueText.Trim(text);
        if (text.IsEmpty) return true;
        if (!DicomDateTime.TryParse(text, out var parsed)) return false;
        value = parsed;
        return true;
    }

    /// <summary>Parses a DT matching key; throws <see cref="FormatException"/> when it is malformed.</summary>
    public static DicomDateTimeRange Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var result) ? result : throw new FormatException($"'{text}' is not a valid DT range.");

    /// <summary>
    /// Combines a DA matching key with an optional TM matching key into one range of instants (PS3.4 §C.2.2.2.5.1):
    /// "date1-date2" with "time1-time2" matches from date1 time1 to date2 time2; "date1-" with "time1-" from date1
    /// time1 on; "-date2" with "-time2" up to date2 time2; a single date with "time1-time2" that day between the
    /// times. An end whose time is missing or open covers the whole day; a single time serves as both ends.
    /// </summary>
    public static DicomDateTimeRange Combine(DicomDateRange date, DicomTimeRange? time = null, TimeSpan? offset = null)
    {
        if (date.Start is null && date.End is null) throw new ArgumentException("The date key is empty.", nameof(date));
        var start = date.Start is { } d1 ? DicomDateTime.FromDateAndTime(d1, time?.Start, offset) : (DicomDateTime?)null;
        var end = date.End is { } d2 ? DicomDateTime.FromDateAndTime(d2, time?.End, offset) : (DicomDateTime?)null;
        if (!date.IsRange && time is not { IsRange: true } && start is { } single) return new DicomDateTimeRange(single);
        return new DicomDateTimeRange(start, end);
    }

    /// <summary>
    /// Parses a DA key and an optional TM key (null or empty for none) and combines them as <see cref="Combine"/>;
    /// false when either is malformed.
    /// </summary>
    public static bool TryCombine(ReadOnlySpan<char> date, ReadOnlySpan<char> time, out DicomDateTimeRange result)
    {
        result = default;
        if (!DicomDateRange.TryParse(date, out var dateRange)) return false;
        DicomTimeRange? timeRange = null;
        if (!DicomValueText.Trim(time).IsEmpty)
        {
            if (!DicomTimeRange.TryParse(time, out var parsed)) return false;
            timeRange = parsed;
        }
        result = Combine(dateRange, timeRange);
        return true;
    }

    /// <summary>True when <paramref name="instant"/> lies within the range (ends without an offset read with <paramref name="defaultOffset"/>).</summary>
    public bool Contains(DateTimeOffset instant, TimeSpan defaultOffset = default) =>
        (Start is not { } s || instant >= s.GetEarliest(defaultOffset)) && (End is not { } e || instant <= e.GetLatest(defaultOffset));

    /// <summary>
    /// True when the span covered by the stored value <paramref name="value"/> overlaps the range; values and ends
    /// without an offset are read with <paramref name="defaultOffset"/> (so with no offsets anywhere, wall-clock times
    /// are compared).
    /// </summary>
    public bool Matches(DicomDateTime value, TimeSpan defaultOffset = default) =>
        (Start is not { } s || value.GetLatest(defaultOffset) >= s.GetEarliest(defaultOffset)) &&
        (End is not { } e || value.GetEarliest(defaultOffset) <= e.GetLatest(defaultOffset));

    /// <summary>True when a stored DA value with an optional TM value (e.g. Study Date and Study Time) matches the range.</summary>
    public bool Matches(DicomDate date, DicomTime? time, TimeSpan defaultOffset = default) =>
        Matches(DicomDateTime.FromDateAndTime(date, time), defaultOffset);

    /// <summary>The key in DT form: "a-b", "a-", "-b" or a single "a".</summary>
    public override string ToString() => IsRange ? $"{Start}-{End}" : Start?.ToString() ?? string.Empty;

    /// <inheritdoc />
    public bool Equals(DicomDateTimeRange other) =>
        Nullable.Equals(Start, other.Start) && Nullable.Equals(End, other.End) && IsRange == other.IsRange;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DicomDateTimeRange other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Start, End, IsRange);

    /// <summary>Equality.</summary>
    public static bool operator ==(DicomDateTimeRange left, DicomDateTimeRange right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DicomDateTimeRange left, DicomDateTimeRange right) => !left.Equals(right);
}
