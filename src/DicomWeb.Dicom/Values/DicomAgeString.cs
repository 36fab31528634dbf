namespace DicomWeb.Dicom;

/// <summary>The unit of an AS value.</summary>
public enum DicomAgeUnit
{
    /// <summary>"D": days.</summary>
    Days,

    /// <summary>"W": weeks.</summary>
    Weeks,

    /// <summary>"M": months.</summary>
    Months,

    /// <summary>"Y": years.</summary>
    Years,
}

/// <summary>An AS value (PS3.5 §6.2): an age "nnnD", "nnnW", "nnnM" or "nnnY", e.g. "018M" for 18 months.</summary>
public readonly struct DicomAgeString : IEquatable<DicomAgeString>, IComparable<DicomAgeString>
{
    private const double DaysPerYear = 365.2425;

    /// <summary>An age of <paramref name="value"/> (0–999) <paramref name="unit"/>.</summary>
    public DicomAgeString(int value, DicomAgeUnit unit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 999);
        if (!Enum.IsDefined(unit)) throw new ArgumentOutOfRangeException(nameof(unit));
        Value = value;
        Unit = unit;
    }

    /// <summary>The number (0–999).</summary>
    public int Value { get; }

    /// <summary>The unit.</summary>
    public DicomAgeUnit Unit { get; }

    /// <summary>The age in days, approximating a month as 1/12 and a year as 365.2425 days.</summary>
    public double ApproximateDays => Unit switch
    {
        DicomAgeUnit.Days => Value,
        DicomAgeUnit.Weeks => Value * 7.0,
        DicomAgeUnit.Months => Value * DaysPerYear / 12,
        _ => Value * DaysPerYear,
    };

    /// <summary>Parses an AS value: exactly three digits and one of D, W, M, Y (padding ignored). False when malformed.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DicomAgeString result)
    {
        result = default;
        text = DicomValueText.Trim(text);
        var pos = 0;
        if (text.Length != 4 || !DicomValueText.TryReadDigits(text, ref pos, 3, out var value)) return false;
        DicomAgeUnit unit;
        switch (text[3])
        {
            case 'D': unit = DicomAgeUnit.Days; break;
            case 'W': unit = DicomAgeUnit.Weeks; break;
            case 'M': unit = DicomAgeUnit.Months; break;
            case 'Y': unit = DicomAgeUnit.Years; break;
            default: return false;
        }
        result = new DicomAgeString(value, unit);
        return true;
    }

    /// <summary>Parses an AS value; throws <see cref="FormatException"/> when it is malformed.</summary>
    public static DicomAgeString Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var result) ? result : throw new FormatException($"'{text}' is not a valid AS value.");

    /// <summary>The value in AS form, e.g. "018M".</summary>
    public override string ToString() => string.Create(4, this, static (span, age) =>
    {
        span[0] = (char)('0' + age.Value / 100);
        span[1] = (char)('0' + age.Value / 10 % 10);
        span[2] = (char)('0' + age.Value % 10);
        span[3] = age.Unit switch { DicomAgeUnit.Days => 'D', DicomAgeUnit.Weeks => 'W', DicomAgeUnit.Months => 'M', _ => 'Y' };
    });

    /// <inheritdoc />
    public bool Equals(DicomAgeString other) => Value == other.Value && Unit == other.Unit;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is DicomAgeString other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Value, Unit);

    /// <summary>Orders by <see cref="ApproximateDays"/>, then by unit.</summary>
    public int CompareTo(DicomAgeString other)
    {
        var c = ApproximateDays.CompareTo(other.ApproximateDays);
        return c != 0 ? c : Unit.CompareTo(other.Unit);
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(DicomAgeString left, DicomAgeString right) => left.Equals(right);

    /// <summary>Inequality.</summary>
    public static bool operator !=(DicomAgeString left, DicomAgeString right) => !left.Equals(right);
}
