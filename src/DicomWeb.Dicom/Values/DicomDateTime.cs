namespace DicomWeb.Dicom;

/// <summary>
/// A DT value (PS3.5 §6.2): "YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&amp;ZZXX]", where the optional suffix is the offset
/// from UTC ("+0900", "-0500"; range -1200 to +1400). Omitted trailing components widen the value: "2001" covers
/// the whole year 2001, "200102" all of February. <see cref="Earliest"/> and <see cref="Latest"/> give that span
/// in the value's own wall-clock time; <see cref="GetEarliest"/> and <see cref="GetLatest"/> pin it to an offset
/// (the value's own, else one supplied, e.g. from Timezone Offset From UTC (0008,0201)).
/// </summary>
public readonly struct DicomDateTime : IEquatable<DicomDateTime>
{
    private readonly DateTime _start;        // year .. second, wall clock; a leap second is stored as second 59
    private readonly int _microsecond;
    private readonly byte _precision, _fractionDigits;
    private readonly bool _leapSecond, _hasOffset;
    private readonly short _offsetMinutes;

    private DicomDateTime(DateTime start, int microsecond, DicomDateTimePrecision precision, int fractionDigits,
        bool leapSecond, int? offsetMinutes)
    {
        _start = start;
        _microsecond = microsecond;
        _precision = (byte)precision;
        _fractionDigits = (byte)fractionDigits;
        _leapSecond = leapSecond;
        _hasOffset = offsetMinutes.HasValue;
        _offsetMinutes = (short)(offsetMinutes ?? 0);
    }

    /// <summary>
    /// A value precise to the microsecond ("YYYYMMDDHHMMSS.FFFFFF") from a wall-clock time and an optional UTC
    /// offset (whole minutes, -12:00 to +14:00). Sub-microsecond ticks are dropped.
    /// </summary>
    public DicomDateTime(DateTime value, TimeSpan? offset = null)
        : this(new DateTime(value.Ticks - value.Ticks % TimeSpan.TicksPerSecond),
            (int)(value.Ticks % TimeSpan.TicksPerSecond / DicomValueText.TicksPerMicrosecond),
            DicomDateTimePrecision.Fraction, 6, false, OffsetMinutes(offset)) { }

    /// <summary>A value precise to the microsecond carrying the instant's own offset.</summary>
    public DicomDateTime(DateTimeOffset value) : this(value.DateTime, value.Offset) { }

    private static int? OffsetMinutes(TimeSpan? offset)
    {
        if (offset is not { } o) return null;
        if (o.Ticks % TimeSpan.TicksPerMinute != 0 || o < TimeSpan.FromHours(-12) || o > TimeSpan.FromHours(14))
            throw new ArgumentOutOfRangeException(nameof(offset), o, "A DT offset is whole minutes from -12:00 to +14:00.");
        return (int)o.TotalMinutes;
    }

    /// <summary>
    /// Combines a DA value with an optional TM value (as Study Date with Study Time) into a DT value whose
    /// precision is the time's, or a whole day without a time. <paramref name="offset"/> (e.g. Timezone Offset From
    /// UTC) becomes the value's offset when given.
    /// </summary>
    public static DicomDateTime FromDateAndTime(DicomDate date, DicomTime? time = null, TimeSpan? offset = null)
    {
        var minutes = OffsetMinutes(offset);
        if (time is not { } t)
            return new DicomDateTime(date.Earliest, 0, DicomDateTimePrecision.Day, 0, false, minutes);
        var leap = t.Second == 60;
        var start = date.Earliest.Add(new TimeSpan(t.Hour, t.Minute, leap ? 59 : t.Second));
        return new DicomDateTime(start, t.Microsecond, t.Precision, t.FractionDigits, leap, minutes);
    }

    /// <summary>The year (1–9999).</summary>
    public int Year => _start.Year;

    /// <summary>The month (1–12); 1 when not given.</summary>
    public int Month => _start.Month;

    /// <summary>The day of the month; 1 when not given.</summary>
    public int Day => _start.Day;

    /// <summary>The hour (0–23); 0 when not given.</summary>
    public int Hour => _start.Hour;

    /// <summary>The minute (0–59); 0 when not given.</summary>
    public int Minute => _start.Minute;

    /// <summary>The second (0–60, 60 being a leap second); 0 when not given.</summary>
    public int Second => _leapSecond ? 60 : _start.Second;

    /// <summary>The fractional second in microseconds; 0 when not given.</summary>
    public int Microsecond => _microsecond;

    /// <summary>Number of fractional-second digits given (0–6).</summary>
    public int FractionDigits => _fractionDigits;

    /// <summary>The finest component given.</summary>
    public DicomDateTimePrecision Precision => (DicomDateTimePrecision)_precision;

    /// <summary>The UTC offset given in the value ("&amp;ZZXX"), or null when it has none.</summary>
    public TimeSpan? Offset => _hasOffset ? TimeSpan.FromMinutes(_offsetMinutes) : null;

    /// <summary>The date part (meaningful to the day only when <see cref="Precision"/> is at least <see cref="DicomDateTimePrecision.Day"/>).</summary>
    public DicomDate Date => new(DateOnly.FromDateTime(_start));

    /// <summary>The first instant covered, as wall-clock time in the value's own zone (unspecified kind).</summary>
    public DateTime Earliest => Precision <= DicomDateTimePrecision.Day ? _start : _start.Date.AddTicks(TimeBounds.Earliest);

    /// <summary>The last microsecond covered, as wall-clock time in the value's own zone (unspecified kind).</summary>
    public DateTime Latest => Precision switch
    {
        DicomDateTimePrecision.Year => new DateTime(_start.Year, 12, 31).AddTicks(TimeSpan.TicksPerDay - DicomValueText.TicksPerMicrosecond),
        DicomDateTimePrecision.Month => new DateTime(_start.Year, _start.Month, DateTime.DaysInMonth(_start.Year, _start.Month))
            .AddTicks(TimeSpan.TicksPerDay - DicomValueText.TicksPerMicrosecond),
        DicomDateTimePrecision.Day => _start.AddTicks(TimeSpan.TicksPerDay - DicomValueText.TicksPerMicrosecond),
        _ => _start.Date.AddTicks(TimeBounds.Latest),
    };

    private (long Earliest, long Latest) TimeBounds =>
        DicomValueText.TimeBounds(_start.Hour, _start.Minute, Second, _microsecond, _fractionDigits, Precision);

    /// <summary>The first instant covered, using the value's own offset, else <paramref name="defaultOffset"/>.</summary>
    public DateTimeOffset GetEarliest(TimeSpan defaultOffset = default) => DicomValueText.ToOffset(Earliest, Offset ?? defaultOffset);

    /// <summary>The last microsecond covered, using the value's own offset, else <paramref name="defaultOffset"/>.</summary>
    public DateTimeOffset GetLatest(TimeSpan defaultOffset = default) => DicomValueText.ToOffset(Latest, Offset ?? defaultOffset);

    /// <summary>True when <paramref name="instant"/> lies within the span covered (the value's own offset, else <paramref name="defaultOffset"/>).</summary>
    public bool Contains(DateTimeOffset instant, TimeSpan defaultOffset = default) =>
        instant >= GetEarliest(defaultOffset) && instant <= GetLatest(defaultOffset);

    /// <summary>
    /// Parses a DT value "YYYY[MM[DD[HH[MM[SS[.F{1-6}]]]]]][&amp;ZZXX]" (surrounding padding ignored).
    /// False when malformed, empty, a component is out of range, or the offset lies outside -1200..+1400.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DicomDateTime result)
    {
        result = default;
        text = DicomValueText.Trim(text);
        var pos = 0;
        if (!DicomValueText.TryReadDigits(text, ref pos, 4, out var year) || year < 1) return false;
        int month = 1, day = 1;
        var precision = DicomDateTimePrecision.Year;
        var time = default(TimeParts);
        if (DicomValueText.DigitAt(text, pos))
        {
            if (!DicomValueText.TryReadDigits(text, ref pos, 2, out month) || month is < 1 or > 12) return false;
            precision = DicomDateTimePrecision.Month;
            if (DicomValueText.DigitAt(text, pos))
            {
                if (!DicomValueText.TryReadDigits(text, ref pos, 2, out day) || day < 1 || day > DateTime.DaysInMonth(year, month))
                    return false;
                precision = DicomDateTimePrecision.Day;
                if (DicomValueText.DigitAt(text, pos))
                {
                    if (!DicomValueText.TryReadTime(text, ref pos, allowColons: false, out time)) return false;
                    precision = time.Precision;
                }
            }
        }

        int? offset = null;
        if (pos < text.Length && text[pos] is '+' or '-')
        {
            var negative = text[pos++] == '-';
            if (!DicomValueText.TryReadDigits(text, ref pos, 2, out var hours) ||
                !DicomValueText.TryReadDigits(text, ref pos, 2, out var minutes) || minutes > 59)
                return false;
            var total = hours * 60 + minutes;
            if (negative ? total > 12 * 60 : total > 14 * 60) return false;
            offset = negative ? -total : total;
        }
        if (pos != text.Length) return false;

        var leap = time.Second == 60;
        var start = new DateTime(year, month, day, time.Hour, time.Minute, leap ? 59 : time.Second);
        result = new DicomDateTime(start, time.Microsecond, precision, time.FractionDigits, leap, offset);
        return true;
    }

    /// <summary>Parses a DT value; throws <see cref="FormatException"/> when it is malformed.</summary>
    public static DicomDateTime Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var result) ? result : throw new FormatException($"'{text}' is not a valid DT value.");

    /// <summary>The value in DT form at its own precision, with its offset when it has one, e.g. "200101051030+0900".</summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[26];
        var pos = 0;
        DicomValueText.Write4(buffer, ref pos, _start.Year);
        var precision = Precision;
        if (precision >= DicomDateTimePrecision.Month) DicomValueText.Write2(buffer, ref pos, _start.Month);
        if (precision >= DicomDateTimePrecision.Day) DicomValueText.Write2(buffer, ref pos, _start.Day);
        if (precision >= DicomDateTimePrecision.Hour)
            DicomValueText.FormatTime(buffer, ref pos, _start.Hour, _start.Minute, Second, _microsecond, _fractionDigits, precision);
        if (_hasOffset)
        {
            buffer[pos++] = _offsetMinutes < 0 ? '-' : '+';
            var abs = Math.Abs((int)_offsetMinutes);
            DicomValueText.Write2(buffer, ref pos, abs / 60);
            DicomValueText.Write2(buffer, ref pos, abs % 60);
        }
        return new string(buffer[..pos]);
    }

    /// <summary>Equal when every component, the precision and the offset are the same ("2001" differs from "20010101").</summary>
    public bool Equals(DicomDateTime other) =>
        _start == other._start && _microsecond == other._microsecond && _precision == other._precision &&
        _fractionDigits == other._fractionDigits && _leapSecond == other._leapSecond &&
        _hasOffset == other._hasOffset && _offsetMinutes == other._offsetMinutes;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DicomDateTime other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(_start, _microsecond, _precision, _fractionDigits, _leapSecond, _hasOffset, _offsetMinutes);

    /// <summary>Equality.</summary>
    public static bool operator ==(DicomDateTime left, DicomDateTime right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DicomDateTime left, DicomDateTime right) => !left.Equals(right);
}
