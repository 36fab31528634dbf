using System.Globalization;

namespace DicomWeb.Server.Wado;

/// <summary>A single byte range of a representation (RFC 9110 §14.1.2), resolved against its length.</summary>
/// <param name="Start">First byte.</param>
/// <param name="Length">Number of bytes.</param>
internal readonly record struct ByteRange(long Start, long Length)
{
    /// <summary>What a Range header asks of a representation.</summary>
    public enum Outcome
    {
        /// <summary>No (usable) Range header, or several ranges: send the whole representation (RFC 9110 allows ignoring Range).</summary>
        Whole,
        /// <summary>One satisfiable range.</summary>
        Partial,
        /// <summary>No byte of the range exists: 416.</summary>
        Unsatisfiable,
    }

    /// <summary>Interprets a Range header value for a representation of <paramref name="length"/> bytes.</summary>
    public static Outcome Parse(string? header, long length, out ByteRange range)
    {
        range = new ByteRange(0, length);
        if (string.IsNullOrWhiteSpace(header)) return Outcome.Whole;
        var value = header.Trim();
        if (!value.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return Outcome.Whole;
        var spec = value[6..].Trim();
        if (spec.Contains(',')) return Outcome.Whole;
        var dash = spec.IndexOf('-');
        if (dash < 0) return Outcome.Whole;
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            // Suffix range: the last N bytes.
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix)) return Outcome.Whole;
            if (suffix == 0 || length == 0) return Outcome.Unsatisfiable;
            var take = Math.Min(suffix, length);
            range = new ByteRange(length - take, take);
            return Outcome.Partial;
        }
        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start)) return Outcome.Whole;
        var end = length - 1;
        if (last.Length > 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start) return Outcome.Whole;
            end = Math.Min(end, length - 1);
        }
        if (start >= length) return Outcome.Unsatisfiable;
        range = new ByteRange(start, end - start + 1);
        return Outcome.Partial;
    }
}
