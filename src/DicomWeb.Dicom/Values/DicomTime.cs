namespace DicomWeb.Dicom;

/// <summary>
/// A TM value (PS3.5 §6.2): a time of day "HH[MM[SS[.F{1-6}]]]" on a 24-hour clock. The retired ACR-NEMA form
/// "HH:MM[:SS[.F…]]" is accepted when parsing. Omitted trailing components widen the value: "10" covers
/// 10:00–10:59:59.999999, "1010" covers a minute, "101010.5" covers 10:10:10.5–10:10:10.599999.
/// A leap second ("60") is kept in <see cref="Second"/> but its instants fold onto the last microsecond of the minute.
/// </summary>
public readonly struct DicomTime : IEquatable<DicomTime>, IComparable<DicomTime>
{
    private readonly byte _hour, _minute, _second, _fractionDigits;
    private readonly byte _precision; // offset from DicomDateTimePrecision.Hour, so default is "00"
    private readonly int _microsecond;

    private DicomTime(in TimeParts parts)
    {
        _hour = (byte)parts.Hour;
        _minute = (byte)parts.Minute;
        _second = (byte)parts.Second;
        _microsecond = parts.Microsecond;
        _fractionDigits = (byte)parts.FractionDigits;
        _precision = (byte)(parts.Precision - DicomDateTimePrecision.Hour);
    }

    /// <summary>A time precise to the second ("HHMMSS"); throws <see cref="ArgumentOutOfRangeException"/> for out-of-range components.</summary>
    public DicomTime(int hour, int minute, int second)
        : this(Validate(hour, minute, second, 0, DicomDateTimePrecision.Second, 0)) { }

    /// <summary>A time precise to the microsecond ("HHMMSS.FFFFFF"); sub-microsecond ticks are dropped.</summary>
    public DicomTime(TimeOnly time)
        : this(Validate(time.Hour, time.Minute, time.Second,
            (int)(time.Ticks % TimeSpan.TicksPerSecond / DicomValueText.TicksPerMicrosecond), DicomDateTimePrecision.Fraction, 6)) { }

    private static TimeParts Validate(int hour, int minute, int second, int microsecond, DicomDateTimePrecision precision, int digits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hour);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hour, 23);
        ArgumentOutOfRangeException.ThrowIfNegative(minute);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minute, 59);
        ArgumentOutOfRangeException.ThrowIfNegative(second);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(second, 60);
        return new TimeParts
        {
            Hour = hour, Minute = minute, Second = second, Microsecond = microsecond,
            FractionDigits = digits, Precision = precision,
        };
    }

    /// <summary>The hour (0–23).</summary>
    public int Hour => _hour;

    /// <summary>The minute (0–59); 0 when not given.</summary>
    public int Minute => _minute;

    /// <summary>The second (0–60, 60 being a leap second); 0 when not given.</summary>
    public int Second => _second;

    /// <summary>The fractional second in microseconds (0–999999); 0 when not given.</summary>
    public int Microsecond => _microsecond;

    /// <summary>Number of fractional-second digits given (0–6).</summary>
    public int FractionDigits => _fractionDigits;

    /// <summary>The finest component given: <see cref="DicomDateTimePrecision.Hour"/> to <see cref="DicomDateTimePrecision.Fraction"/>.</summary>
    public DicomDateTimePrecision Precision => DicomDateTimePrecision.Hour + _precision;

    /// <summary>The first instant covered by the value.</summary>
    public TimeOnly Earliest => new(Bounds.Earliest);

    /// <summary>The last microsecond covered by the value.</summary>
    public TimeOnly Latest => new(Bounds.Latest);

    private (long Earliest, long Latest) Bounds =>
        DicomValueText.TimeBounds(_hour, _minute, _second, _microsecond, _fractionDigits, Precision);

    /// <summary>
    /// Parses a TM value: "HH", "HHMM", "HHMMSS", "HHMMSS.F{1-6}", or the retired "HH:MM[:SS[.F{1-6}]]";
    /// surrounding padding ignored. False when malformed or empty.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DicomTime result)
    {
        result = default;
        text = DicomValueText.Trim(text);
        var pos = 0;
        if (!DicomValueText.TryReadTime(text, ref pos, allowColons: true, out var parts) || pos != text.Length) return false;
        result = new DicomTime(parts);
        return true;
    }

    /// <summary>Parses a TM value; throws <see cref="FormatException"/> when it is malformed.</summary>
    public static DicomTime Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var result) ? result : throw new FormatException($"'{text}' is not a valid TM value.");

    /// <summary>True when <paramref name="time"/> lies within the span the value covers.</summary>
    public bool Contains(TimeOnly time)
    {
        var (earliest, latest) = Bounds;
        return time.Ticks >= earliest && time.Ticks <= latest;
    }

    /// <summary>The value in TM form at its own precision, e.g. "10", "1010", "070907.0705".</summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[13];
        var pos = 0;
        DicomValueText.FormatTime(buffer, ref pos, _hour, _minute, _second, _microsecond, _fractionDigits, Precision);
        return new string(buffer[..pos]);
    }

    internal TimeParts ToParts() => new()
    {
        Hour = _hour, Minute = _minute, Second = _second, Microsecond = _microsecond,
        FractionDigits = _fractionDigits, Precision = Precision,
    };

    /// <summary>Equal when every component and the precision are the same ("10" differs from "1000").</summary>
    public bool Equals(DicomTime other) =>
        _hour == other._hour && _minute == other._minute && _second == other._second &&
        _microsecond == other._microsecond && _fractionDigits == other._fractionDigits && _precision == other._precision;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DicomTime other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(_hour, _minute, _second, _microsecond, _fractionDigits, _precision);

    /// <summary>Orders by earliest instant, then by latest (a coarser value after a finer one starting at the same instant).</summary>
    public int CompareTo(DicomTime other)
    {
        var (e1, l1) = Bounds;
        var (e2, l2) = other.Bounds;
        var c = e1.CompareTo(e2);
        return c != 0 ? c : l1.CompareTo(l2);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(DicomTime left, DicomTime right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DicomTime left, DicomTime right) => !left.Equals(right);
}
