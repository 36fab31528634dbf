using System.Globalization;
using DicomWeb.Dicom;

namespace DicomWeb.Storage.Retrieval;

/// <summary>
/// The path of a BulkDataURI below <c>…/bulk/</c>, as the metadata writer minted it: sequence tag, item index, …, element tag
/// (e.g. <c>7FE00010</c> or <c>00540016/0/00181078</c>).
/// </summary>
/// <param name="Steps">The sequence items to descend through, top level first.</param>
/// <param name="Tag">The element holding the value.</param>
public sealed record BulkDataPath(IReadOnlyList<DicomPathStep> Steps, DicomTag Tag)
{
    private const int MaxDepth = 64;

    /// <summary>True when the path names the top-level pixel data (7FE0,0010).</summary>
    public bool IsTopLevelPixelData => Steps.Count == 0 && Tag == DicomTags.PixelData;

    /// <summary>Parses a path; on failure <paramref name="reason"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out BulkDataPath path, out string reason)
    {
        path = null!;
        reason = "";
        var parts = (text ?? "").Split('/');
        if (parts.Length % 2 == 0 || parts.Length > MaxDepth * 2 + 1)
        {
            reason = $"bulk data path '{text}' must be tag(/item/tag)*";
            return false;
        }
        var steps = new List<DicomPathStep>(parts.Length / 2);
        for (var i = 0; i < parts.Length; i += 2)
        {
            if (parts[i].Length != 8 || !uint.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var tag))
            {
                reason = $"'{parts[i]}' in bulk data path '{text}' is not an eight-digit hex tag";
                return false;
            }
            if (i == parts.Length - 1)
            {
                path = new BulkDataPath(steps, new DicomTag(tag));
                return true;
            }
            if (!int.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                reason = $"'{parts[i + 1]}' in bulk data path '{text}' is not an item index";
                return false;
            }
            steps.Add(new DicomPathStep(new DicomTag(tag), index));
        }
        reason = $"bulk data path '{text}' is empty";
        return false;
    }
}

/// <summary>Where a bulk data value lies: a run of the stored file, bytes in memory, or encapsulated fragments.</summary>
public abstract record LocatedBulkData
{
    /// <summary>The value's length in bytes (for fragments: all fragment bytes).</summary>
    public abstract long Length { get; }
}

/// <summary>A value stored as a run of the Part 10 file.</summary>
/// <param name="Offset">Offset of the first value byte in the file.</param>
/// <param name="ValueLength">Value length in bytes.</param>
/// <param name="SwapUnit">For big endian files, the unit (2, 4 or 8) whose bytes must be reversed to give little endian; 0 or 1 otherwise.</param>
public sealed record BulkDataInFile(long Offset, long ValueLength, int SwapUnit) : LocatedBulkData
{
    /// <inheritdoc />
    public override long Length => ValueLength;
}

/// <summary>A value the header parse already holds (small values, deflated files, values re-read from UN).</summary>
/// <param name="Bytes">The little-endian value bytes.</param>
public sealed record BulkDataInMemory(ReadOnlyMemory<byte> Bytes) : LocatedBulkData
{
    /// <inheritdoc />
    public override long Length => Bytes.Length;
}

/// <summary>Encapsulated pixel data: its fragments.</summary>
/// <param name="Sequence">The fragment sequence (fragments left in the file carry their offsets).</param>
public sealed record BulkDataFragments(DicomFragmentSequence Sequence) : LocatedBulkData
{
    /// <inheritdoc />
    public override long Length => Sequence.Fragments.Sum(f => f.Length);
}

/// <summary>
/// Finds the value a BulkDataURI path names by parsing the stored file's header the way ingest did (so item indexes
/// and UN elements resolved to sequences line up with the metadata), leaving large values in place: only their
/// offsets are recorded, and the caller streams them from the blob.
/// </summary>
public static class BulkDataLocator
{
    // Must match the ingest's header parse (InstanceStore): values read there in memory may have been re-read from UN
    // as sequences, which changes the paths the metadata hands out.
    private const long IngestBulkDataThreshold = 1024;

    /// <summary>Locates <paramref name="path"/> in the Part 10 file read from <paramref name="part10"/> (seekable); null when no such value exists.</summary>
    /// <exception cref="DicomParseException">The stored file cannot be parsed.</exception>
    public static LocatedBulkData? Locate(Stream part10, BulkDataPath path)
    {
        ArgumentNullException.ThrowIfNull(part10);
        ArgumentNullException.ThrowIfNull(path);
        var top = path.Steps.Count > 0 ? path.Steps[0].Sequence : path.Tag;
        var options = new DicomReaderOptions
        {
            BulkDataThreshold = IngestBulkDataThreshold,
            StopAtTag = top.Value == uint.MaxValue ? null : new DicomTag(top.Value + 1),
        };
        var file = DicomFile.Read(part10, options, OffsetsOnly.Instance);
        var dataset = file.Dataset;
        dataset.ResolveUnknownVRs();
        foreach (var step in path.Steps)
        {
            if (!dataset.TryGet<DicomSequence>(step.Sequence, out var sequence) || step.ItemIndex >= sequence.Items.Count) return null;
            dataset = sequence.Items[step.ItemIndex];
        }
        return dataset.Get(path.Tag) switch
        {
            DicomFragmentSequence fragments => new BulkDataFragments(fragments),
            // Only binary values become BulkDataURIs; text and numbers are always inline in the metadata.
            DicomDataElement { BulkData: { } reference } => new BulkDataInFile(reference.Offset, reference.Length, reference.SwapUnit),
            DicomDataElement { Text: null } element when DicomVRInfo.IsBinary(element.VR) => new BulkDataInMemory(element.Bytes),
            _ => null,
        };
    }

    /// <summary>Lets the parser leave values in place and record their offsets; the caller reads them from the blob itself.</summary>
    private sealed class OffsetsOnly : IDicomBulkDataSource
    {
        public static readonly OffsetsOnly Instance = new();

        public Stream OpenRange(long offset, long length) =>
            throw new InvalidOperationException("values are streamed from the blob by offset, not through the parser");
    }
}
