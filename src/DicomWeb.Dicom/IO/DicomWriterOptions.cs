using System.IO.Compression;

namespace DicomWeb.Dicom;

/// <summary>How the writer encodes the lengths of sequences and items.</summary>
public enum DicomSequenceLength
{
    /// <summary>
    /// As the source did: undefined length for a sequence or item read with undefined length, defined length otherwise
    /// (so sequences and items built in memory get defined lengths).
    /// </summary>
    KeepSource,

    /// <summary>Every sequence and item gets an explicit length (computed before it is written).</summary>
    Defined,

    /// <summary>Every sequence and item gets undefined length and a delimitation item.</summary>
    Undefined,
}

/// <summary>What the writer does with group length elements (gggg,0000) of the data set.</summary>
public enum DicomGroupLengthHandling
{
    /// <summary>Writes the group lengths the data set holds, each with its value recomputed for the output encoding; adds none.</summary>
    Recompute,

    /// <summary>Leaves out every group length of the data set (the File Meta Information Group Length is always written).</summary>
    Remove,
}

/// <summary>Choices for <see cref="DicomFileWriter"/> and <see cref="DicomDatasetWriter"/>.</summary>
public sealed class DicomWriterOptions
{
    /// <summary>The defaults: sequence lengths as in the source, group lengths kept and recomputed, 64 KiB buffer.</summary>
    public static DicomWriterOptions Default { get; } = new();

    /// <summary>Defined or undefined lengths for sequences and items; <see cref="DicomSequenceLength.KeepSource"/> by default.</summary>
    public DicomSequenceLength SequenceLength { get; init; } = DicomSequenceLength.KeepSource;

    /// <summary>Keep (recomputed) or remove the data set's group length elements; <see cref="DicomGroupLengthHandling.Recompute"/> by default.</summary>
    public DicomGroupLengthHandling GroupLengths { get; init; } = DicomGroupLengthHandling.Recompute;

    /// <summary>Compression level for the deflated transfer syntaxes.</summary>
    public CompressionLevel DeflateCompressionLevel { get; init; } = CompressionLevel.Optimal;

    /// <summary>
    /// Size of the write buffer in bytes (at least 1 KiB): the underlying stream only sees writes of this size,
    /// apart from the last one and from large values written straight from memory.
    /// </summary>
    public int BufferSize { get; init; } = 64 * 1024;
}
