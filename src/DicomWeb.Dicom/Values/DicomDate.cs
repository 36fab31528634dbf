namespace DicomWeb.Dicom;

/// <summary>
/// A DA value (PS3.5 §6.2): a calendar date "YYYYMMDD". The retired ACR-NEMA form "YYYY.MM.DD" is accepted
/// when parsing; formatting always yields the current form. A date covers the whole day, from
/// <see cref="Earliest"/> (00:00) to <see cref="Latest"/> (23:59:59.999999).
/// </summary>
public readonly struct DicomDate : IEquatable<DicomDate>, IComparable<DicomDate>
{
    private readonly DateOnly _date;

    /// <summary>A date from its components; throws <see cref="ArgumentOutOfRangeException"/> when they are not a valid Gregorian date.</summary>
    public DicomDate(int year, int month, int day) => _date = new DateOnly(year, month, day);

    /// <summary>The given date.</summary>
    public DicomDate(DateOnly date) => _date = date;

    /// <summary>The year (1–9999).</summary>
    public int Year => _date.Year;

    /// <summary>The month (1–12).</summary>
    public int Month => _date.Month;

    /// <summary>The day of the month.</summary>
    public int Day => _date.Day;

    /// <summary>Always <see cref="DicomDateTimePrecision.Day"/>: a DA value has no optional components.</summary>
    public DicomDateTimePrecision Precision => DicomDateTimePrecision.Day;

    /// <summary>The date.</summary>
    public DateOnly Value => _date;

    /// <summary>The first instant of the day (00:00, unspecified kind).</summary>
    public DateTime Earliest => _date.ToDateTime(TimeOnly.MinValue);

    /// <summary>The last microsecond of the day (23:59:59.999999, unspecified kind).</summary>
    public DateTime Latest => Earliest.AddTicks(TimeSpan.TicksPerDay - DicomValueText.TicksPerMicrosecond);

    /// <summary>Parses a DA value ("YYYYMMDD" or the retired "YYYY.MM.DD"; surrounding padding ignored). False when malformed or empty.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DicomDate result)
    {
        result = default;
        text = DicomValueText.Trim(text);
        var dotted = text.Length == 10;
        if (!dotted && text.Length != 8) return false;
        var pos = 0;
        if (!DicomValueText.TryReadDigits(text, ref pos, 4, out var year)) return false;
        if (dotted && text[pos++] != '.') return false;
        if (!DicomValueText.TryReadDigits(text, ref pos, 2, out var month)) return false;
        if (dotted && text[pos++] != '.') return false;
        if (!DicomValueText.TryReadDigits(text, ref pos, 2, out var day)) return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)) return false;
        result = new DicomDate(new DateOnly(year, month, day));
        return true;
    }

    /// <summary>Parses a DA value; throws <see cref="FormatException"/> when it is malformed.</summary>
    public static DicomDate Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var result) ? result : throw new FormatException($"'{text}' is not a valid DA value.");

    /// <summary>True when <paramref name="instant"/> (wall-clock time) lies on this day.</summary>
    public bool Contains(DateTime instant) => DateOnly.FromDateTime(instant) == _date;

    /// <summary>The value in DA form "YYYYMMDD".</summary>
    public override string ToString() => string.Create(8, _date, static (span, date) =>
    {
        var pos = 0;
        DicomValueText.Write4(span, ref pos, date.Year);
        DicomValueText.Write2(span, ref pos, date.Month);
        DicomValueText.Write2(span, ref pos, date.Day);
    });

    /// <inheritdoc />
    public bool Equals(DicomDate other) => _date == other._date;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DicomDate other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _date.GetHashCode();

    /// <inheritdoc />
    public int CompareTo(DicomDate other) => _date.CompareTo(other._date);

    /// <summary>Equality.</summary>
    public static bool operator ==(DicomDate left, DicomDate right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DicomDate left, DicomDate right) => !left.Equals(right);

    /// <summary>Earlier than.</summary>
    public static bool operator <(DicomDate left, DicomDate right) => left._date < right._date;

    /// <summary>Later than.</summary>
    public static bool operator >(DicomDate left, DicomDate right) => left._date > right._date;

    /// <summary>Earlier than or the same day.</summary>
    public static bool operator <=(DicomDate left, DicomDate right) => left._date <= right._date;

    /// <summary>Later than or the same day.</summary>
    public static bool operator >=(DicomDate left, DicomDate right) => left._date >= right._date;
}
