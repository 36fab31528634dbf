using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using DicomWeb.Dicom.IO;

namespace DicomWeb.Dicom;

/// <summary>A DICOM Part 10 file (or a bare data set stream): preamble, File Meta Information and data set.</summary>
public sealed class DicomFile
{
    /// <summary>Creates a file from its parts.</summary>
    public DicomFile(DicomDataset fileMetaInformation, DicomDataset dataset)
    {
        FileMetaInformation = fileMetaInformation;
        Dataset = dataset;
    }

    /// <summary>The 128-byte preamble, when the source had one.</summary>
    public byte[]? Preamble { get; init; }

    /// <summary>Group 0002 (empty when the source had none).</summary>
    public DicomDataset FileMetaInformation { get; }

    /// <summary>The data set.</summary>
    public DicomDataset Dataset { get; }

    /// <summary>The transfer syntax the data set was read in.</summary>
    public DicomTransferSyntax TransferSyntax { get; init; } = DicomTransferSyntax.ExplicitVRLittleEndian;

    /// <summary>Offset of the first data set element in the source.</summary>
    public long DatasetOffset { get; init; }

    /// <summary>Offset of the element before which reading stopped (stop tag or pixel data), or -1 when read to the end.</summary>
    public long StoppedAt { get; init; } = -1;

    /// <summary>True when the data ended inside a value, sequence, item or pixel data (details in <see cref="Warnings"/>).</summary>
    public bool IsTruncated { get; init; }

    /// <summary>What the reader tolerated.</summary>
    public IReadOnlyList<DicomReadWarning> Warnings { get; init; } = [];

    /// <summary>Reads a file from disk. Bulk data over the threshold stays on disk and is read on demand.</summary>
    public static DicomFile Open(string path, DicomReaderOptions? options = null)
    {
        // Read at explicit offsets through the handle: no FileStream layers and no access-pattern hint, each of which
        // costs on every open; a header is one small read and skipped values are seeks.
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var stream = new FileHandleStream(handle);
        return Read(stream, options, new DicomFileBulkDataSource(path), startsAtZero: true);
    }

    /// <summary>Reads from a pipe. The pipe is read synchronously as a stream; bulk data is skipped unless the options name a source.</summary>
    public static DicomFile Read(PipeReader reader, DicomReaderOptions? options = null)
    {
        using var stream = reader.AsStream(leaveOpen: true);
        return Read(stream, options, null);
    }

    /// <summary>
    /// Reads from a stream without loading it whole: values over the bulk data threshold are skipped
    /// (and referenced through <paramref name="source"/> when given).
    /// </summary>
    /// <exception cref="DicomParseException">The data is not DICOM or is broken beyond repair.</exception>
    public static DicomFile Read(Stream stream, DicomReaderOptions? options = null, IDicomBulkDataSource? source = null) =>
        Read(stream, options, source, startsAtZero: false);

    private static DicomFile Read(Stream stream, DicomReaderOptions? options, IDicomBulkDataSource? source, bool startsAtZero)
    {
        options ??= DicomReaderOptions.Default;
        var warnings = new List<DicomReadWarning>();
        using var reader = new DicomByteReader(stream, startsAtZero);
        var parser = new DicomParser(reader, options, warnings, source ?? options.BulkDataSource);
        try
        {
            return ReadCore(reader, parser, options, warnings);
        }
        catch (EndOfStreamException e)
        {
            throw new DicomParseException("unexpected end of data", parser.Reader.Position, null, e);
        }
        catch (InvalidDataException e)
        {
            throw new DicomParseException("the deflated data set cannot be inflated", parser.Reader.Position, null, e);
        }
        catch (Exception e) when (e is OverflowException or OutOfMemoryException or ArgumentOutOfRangeException or FormatException)
        {
            throw new DicomParseException($"unreadable data: {e.Message}", parser.Reader.Position, null, e);
        }
        finally
        {
            parser.Release();
        }
    }

    private static DicomFile ReadCore(DicomByteReader reader, DicomParser parser, DicomReaderOptions options, List<DicomReadWarning> warnings)
    {
        byte[]? preamble = null;
        const uint dicm = 'D' | 'I' << 8 | 'C' << 16 | 'M' << 24;
        if (reader.TryFill(132) && BinaryPrimitives.ReadUInt32LittleEndian(reader.Peek(132)[128..]) == dicm)
        {
            preamble = reader.Peek(128).ToArray();
            reader.Advance(132);
        }
        else if (reader.TryFill(4) && reader.Peek(4).SequenceEqual("DICM"u8))
        {
            warnings.Add(new DicomReadWarning(0, null, "DICM prefix without a preamble"));
            reader.Advance(4);
        }

        DicomDataset meta;
        DicomTransferSyntax syntax;
        if (reader.TryFill(8) && reader.Peek(2)[0] == 0x02 && reader.Peek(2)[1] == 0x00)
        {
            meta = parser.ReadFileMetaInformation();
            if (TransferSyntaxOf(meta) is { } named) syntax = named;
            else
            {
                warnings.Add(new DicomReadWarning(reader.Position, DicomTags.TransferSyntaxUID, "no transfer syntax in the file meta information; guessed from the data"));
                syntax = GuessTransferSyntax(reader, warnings);
            }
        }
        else
        {
            if (!reader.TryFill(8)) throw new DicomParseException(preamble is null ? "not DICOM: too short" : "no data set after the preamble", reader.Position);
            meta = new DicomDataset();
            syntax = GuessTransferSyntax(reader, warnings);
        }
        var datasetOffset = reader.Position;
        parser.BeginDataset(syntax);
        var dataset = parser.ReadDataset();
        if (dataset.Count == 0 && meta.Count == 0) throw new DicomParseException("not DICOM: no data elements", datasetOffset);
        return new DicomFile(meta, dataset)
        {
            Preamble = preamble,
            TransferSyntax = syntax,
            DatasetOffset = datasetOffset,
            StoppedAt = parser.StoppedAt,
            IsTruncated = parser.Truncated,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// The transfer syntax the meta group names, or null when it names none. A known UID is found from the value
    /// bytes without making the element or a string: this runs for every file opened.
    /// </summary>
    private static DicomTransferSyntax? TransferSyntaxOf(DicomDataset meta)
    {
        string? uid;
        if (meta.TryGetValueBytes(DicomTags.TransferSyntaxUID, out var value))
        {
            // Trimmed as GetString trims a UI value: trailing NUL and spaces, leading spaces.
            var end = value.Length;
            while (end > 0 && value[end - 1] is (byte)' ' or 0) end--;
            var start = 0;
            while (start < end && value[start] == ' ') start++;
            value = value[start..end];
            if (value.IsEmpty) return null;
            if (value.Length <= 64)
            {
                Span<char> text = stackalloc char[value.Length];
                for (var i = 0; i < value.Length; i++) text[i] = (char)value[i];
                if (DicomTransferSyntax.TryGet(text, out var known)) return known;
            }
            uid = Encoding.Latin1.GetString(value);
        }
        else uid = meta.GetString(DicomTags.TransferSyntaxUID);
        return string.IsNullOrEmpty(uid) ? null : DicomTransferSyntax.Lookup(uid);
    }

    /// <summary>
    /// For data with no usable meta group: explicit if the bytes after the first tag are a VR,
    /// big endian if the first group reads smaller that way (data sets start with low groups).
    /// </summary>
    private static DicomTransferSyntax GuessTransferSyntax(DicomByteReader reader, List<DicomReadWarning> warnings)
    {
        if (!reader.TryFill(8)) return DicomTransferSyntax.ImplicitVRLittleEndian;
        var head = reader.Peek(8);
        var littleGroup = head[0] | head[1] << 8;
        var bigGroup = head[0] << 8 | head[1];
        var bigEndian = bigGroup < littleGroup && bigGroup != 0;
        var explicitVR = DicomVRInfo.TryParse(head[4], head[5], out _);
        // A bare data set starts with a low group: command (0000), meta (0002), directory (0004) or identifying (0008) attributes.
        var firstGroup = bigEndian ? bigGroup : littleGroup;
        if (firstGroup is not (0x0000 or 0x0002 or 0x0004 or 0x0008))
            throw new DicomParseException("not DICOM: no preamble and the first bytes are not a data element", reader.Position);
        var syntax = explicitVR
            ? bigEndian ? DicomTransferSyntax.ExplicitVRBigEndian : DicomTransferSyntax.ExplicitVRLittleEndian
            : DicomTransferSyntax.ImplicitVRLittleEndian;
        warnings.Add(new DicomReadWarning(reader.Position, null, $"no file meta information; read as {syntax.Name}"));
        return syntax;
    }
}
