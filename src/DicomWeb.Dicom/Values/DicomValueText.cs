namespace DicomWeb.Dicom;

/// <summary>Shared span helpers for parsing the text of DA, TM, DT, AS and PN values.</summary>
internal static class DicomValueText
{
    internal const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;

    /// <summary>Removes padding: leading and trailing spaces, and trailing NULs.</summary>
    internal static ReadOnlySpan<char> Trim(ReadOnlySpan<char> text)
    {
        var end = text.Length;
        while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\0')) end--;
        var start = 0;
        while (start < end && text[start] == ' ') start++;
        return text[start..end];
    }

    /// <summary>True when the character at <paramref name="pos"/> exists and is an ASCII digit.</summary>
    internal static bool DigitAt(ReadOnlySpan<char> text, int pos) => pos < text.Length && char.IsAsciiDigit(text[pos]);

    /// <summary>Reads exactly <paramref name="count"/> ASCII digits at <paramref name="pos"/>, advancing past them.</summary>
    internal static bool TryReadDigits(ReadOnlySpan<char> text, ref int pos, int count, out int value)
    {
        value = 0;
        if (pos + count > text.Length) return false;
        for (var i = 0; i < count; i++)
        {
            var c = text[pos + i];
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }
        pos += count;
        return true;
    }

    /// <summary>Reads a fractional second of 1 to 6 digits (the '.' already consumed) as microseconds.</summary>
    internal static bool TryReadFraction(ReadOnlySpan<char> text, ref int pos, out int microseconds, out int digits)
    {
        microseconds = 0;
        digits = 0;
        while (DigitAt(text, pos + digits)) digits++;
        if (digits is 0 or > 6) return false;
        TryReadDigits(text, ref pos, digits, out var raw);
        for (var i = digits; i < 6; i++) raw *= 10;
        microseconds = raw;
        return true;
    }

    /// <summary>
    /// Reads the time part shared by TM and DT: HH[MM[SS[.F{1-6}]]], or with <paramref name="allowColons"/>
    /// the retired ACR-NEMA form HH:MM[:SS[.F{1-6}]]. Stops at the first character that is not part of it.
    /// </summary>
    internal static bool TryReadTime(ReadOnlySpan<char> text, ref int pos, bool allowColons, out TimeParts parts)
    {
        parts = default;
        if (!TryReadDigits(text, ref pos, 2, out var hour) || hour > 23) return false;
        parts.Hour = hour;
        parts.Precision = DicomDateTimePrecision.Hour;
        var colons = allowColons && pos < text.Length && text[pos] == ':';

        if (colons) pos++;
        else if (!DigitAt(text, pos)) return true;
        if (!TryReadDigits(text, ref pos, 2, out var minute) || minute > 59) return false;
        parts.Minute = minute;
        parts.Precision = DicomDateTimePrecision.Minute;

        if (colons)
        {
            if (pos >= text.Length || text[pos] != ':') return true;
            pos++;
        }
        else if (!DigitAt(text, pos)) return true;
        if (!TryReadDigits(text, ref pos, 2, out var second) || second > 60) return false;
        parts.Second = second;
        parts.Precision = DicomDateTimePrecision.Second;

        if (pos >= text.Length || text[pos] != '.') return true;
        pos++;
        if (!TryReadFraction(text, ref pos, out var micro, out var digits)) return false;
        parts.Microsecond = micro;
        parts.FractionDigits = digits;
        parts.Precision = DicomDateTimePrecision.Fraction;
        return true;
    }

    /// <summary>Appends HH, HHMM, HHMMSS or HHMMSS.F… according to <paramref name="precision"/>.</summary>
    internal static void FormatTime(Span<char> buffer, ref int pos, int hour, int minute, int second, int microsecond,
        int fractionDigits, DicomDateTimePrecision precision)
    {
        Write2(buffer, ref pos, hour);
        if (precision < DicomDateTimePrecision.Minute) return;
        Write2(buffer, ref pos, minute);
        if (precision < DicomDateTimePrecision.Second) return;
        Write2(buffer, ref pos, second);
        if (precision < DicomDateTimePrecision.Fraction) return;
        buffer[pos++] = '.';
        var value = microsecond;
        for (var i = fractionDigits; i < 6; i++) value /= 10;
        for (var i = fractionDigits - 1; i >= 0; i--)
        {
            buffer[pos + i] = (char)('0' + value % 10);
            value /= 10;
        }
        pos += fractionDigits;
    }

    internal static void Write2(Span<char> buffer, ref int pos, int value)
    {
        buffer[pos++] = (char)('0' + value / 10 % 10);
        buffer[pos++] = (char)('0' + value % 10);
    }

    internal static void Write4(Span<char> buffer, ref int pos, int value)
    {
        Write2(buffer, ref pos, value / 100);
        Write2(buffer, ref pos, value % 100);
    }

    /// <summary>
    /// Ticks since midnight of the first and last microsecond covered by a time of the given precision.
    /// A leap second (SS = 60) cannot be represented by .NET and is folded into the last microsecond of the minute.
    /// </summary>
    internal static (long Earliest, long Latest) TimeBounds(int hour, int minute, int second, int microsecond,
        int fractionDigits, DicomDateTimePrecision precision)
    {
        long minuteStart = (hour * 60L + minute) * TimeSpan.TicksPerMinute;
        if (precision < DicomDateTimePrecision.Hour) return (0, TimeSpan.TicksPerDay - TicksPerMicrosecond);
        if (precision == DicomDateTimePrecision.Hour)
            return (hour * TimeSpan.TicksPerHour, (hour + 1) * TimeSpan.TicksPerHour - TicksPerMicrosecond);
        var minuteLast = minuteStart + TimeSpan.TicksPerMinute - TicksPerMicrosecond;
        if (precision == DicomDateTimePrecision.Minute) return (minuteStart, minuteLast);
        if (second == 60) return (minuteLast, minuteLast);
        var earliest = minuteStart + second * TimeSpan.TicksPerSecond;
        if (precision == DicomDateTimePrecision.Second) return (earliest, earliest + TimeSpan.TicksPerSecond - TicksPerMicrosecond);
        earliest += microsecond * TicksPerMicrosecond;
        long span = 1;
        for (var i = fractionDigits; i < 6; i++) span *= 10;
        return (earliest, earliest + (span - 1) * TicksPerMicrosecond);
    }

    /// <summary>Builds a <see cref="DateTimeOffset"/>, clamping at the ends of its range instead of throwing.</summary>
    internal static DateTimeOffset ToOffset(DateTime local, TimeSpan offset)
    {
        var utcTicks = local.Ticks - offset.Ticks;
        if (utcTicks < DateTime.MinValue.Ticks) return DateTimeOffset.MinValue;
        if (utcTicks > DateTime.MaxValue.Ticks) return DateTimeOffset.MaxValue;
        return new DateTimeOffset(local.Ticks, offset);
    }
}

/// <summary>The components of a parsed time of day.</summary>
internal struct TimeParts
{
    public int Hour;
    public int Minute;
    public int Second;
    public int Microsecond;
    public int FractionDigits;
    public DicomDateTimePrecision Precision;
}
