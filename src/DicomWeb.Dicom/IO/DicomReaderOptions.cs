namespace DicomWeb.Dicom;

/// <summary>Limits and stopping points for <see cref="DicomFile"/> reading.</summary>
public sealed class DicomReaderOptions
{
    /// <summary>The defaults: read everything, leave binary values over 64 KiB in seekable sources.</summary>
    public static DicomReaderOptions Default { get; } = new();

    /// <summary>Stop before the first top-level element whose tag is at or after this one.</summary>
    public DicomTag? StopAtTag { get; init; }

    /// <summary>Stop before the top-level pixel data (Float, Double Float or Pixel Data, from (7FE0,0008) on).</summary>
    public bool StopBeforePixelData { get; init; }

    /// <summary>
    /// Binary values (OB, OW, OF, OD, OL, OV, UN and pixel data fragments) longer than this are not loaded:
    /// a <see cref="DicomBulkDataReference"/> records where they lie. Forward-only sources skip them.
    /// </summary>
    public long BulkDataThreshold { get; init; } = 64 * 1024;

    /// <summary>Where skipped values can be read again when the stream itself cannot seek (e.g. the file being written from it).</summary>
    public IDicomBulkDataSource? BulkDataSource { get; init; }

    /// <summary>Sequences nested deeper than this fail with a <see cref="DicomParseException"/> rather than exhaust the stack.</summary>
    public int MaxDepth { get; init; } = 128;
}

/// <summary>Something odd that the reader tolerated, with where it was.</summary>
/// <param name="Offset">Byte offset in the source.</param>
/// <param name="Tag">The element concerned, if any.</param>
/// <param name="Message">What was wrong and what the reader did.</param>
public readonly record struct DicomReadWarning(long Offset, DicomTag? Tag, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Tag is { } tag ? $"@{Offset} {tag}: {Message}" : $"@{Offset}: {Message}";
}

/// <summary>Thrown when data cannot be parsed as DICOM; names the offset and, where known, the tag.</summary>
public sealed class DicomParseException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DicomParseException(string message, long offset, DicomTag? tag = null, Exception? inner = null)
        : base(tag is { } t ? $"{message} (at offset {offset}, tag {t})" : $"{message} (at offset {offset})", inner)
    {
        Offset = offset;
        Tag = tag;
    }

    /// <summary>Byte offset in the source where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>The element being read, if known.</summary>
    public DicomTag? Tag { get; }
}
