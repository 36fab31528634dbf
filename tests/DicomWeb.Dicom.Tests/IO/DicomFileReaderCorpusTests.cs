using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;

namespace DicomWeb.Dicom.Tests.IO;

/// <summary>Every corpus file parses and agrees with the reference values pydicom recorded in the manifest.</summary>
public sealed class DicomFileReaderCorpusTests
{
    public static TheoryData<string> WellFormedFiles => TestData.Cases(TestData.DicomPaths());

    [Theory]
    [MemberData(nameof(WellFormedFiles))]
    public void File_parses_and_agrees_with_manifest(string relative)
    {
        var entry = TestData.Entry(relative);
        var file = DicomFile.Open(TestData.PathOf(relative));
        var dataset = file.Dataset;

        Assert.Equal(entry.GetProperty("preamble_DICM").GetBoolean(), file.Preamble is not null);
        Assert.Equal(entry.GetProperty("has_file_meta").GetBoolean(), file.FileMetaInformation.Count > 0);
        if (Text(entry, "transfer_syntax_uid") is { } syntax && file.FileMetaInformation.Count > 0)
            Assert.Equal(syntax, file.TransferSyntax.Uid);
        Assert.Equal(Text(entry, "sop_class_uid"), dataset.GetString(DicomTags.SOPClassUID));
        Assert.Equal(Text(entry, "study_instance_uid"), dataset.GetString(DicomTags.StudyInstanceUID));
        Assert.Equal(Text(entry, "series_instance_uid"), dataset.GetString(DicomTags.SeriesInstanceUID));
        Assert.Equal(Text(entry, "sop_instance_uid"), dataset.GetString(DicomTags.SOPInstanceUID));
        Assert.Equal(Text(entry, "modality"), dataset.GetString(DicomTags.Modality));
        Assert.Equal(Text(entry, "photometric_interpretation"), dataset.GetString(DicomTags.PhotometricInterpretation));
        Assert.Equal(CharacterSetTerms(entry), dataset.Contains(DicomTags.SpecificCharacterSet) ? dataset.GetStrings(DicomTags.SpecificCharacterSet) : null);
        Assert.Equal(Number(entry, "rows"), dataset.GetInt32(DicomTags.Rows));
        Assert.Equal(Number(entry, "columns"), dataset.GetInt32(DicomTags.Columns));
        Assert.Equal(Number(entry, "samples_per_pixel"), dataset.GetInt32(DicomTags.SamplesPerPixel));
        Assert.Equal(Number(entry, "bits_allocated"), dataset.GetInt32(DicomTags.BitsAllocated));
        Assert.Equal(Number(entry, "bits_stored"), dataset.GetInt32(DicomTags.BitsStored));
        Assert.Equal(Number(entry, "high_bit"), dataset.GetInt32(DicomTags.HighBit));
        Assert.Equal(Number(entry, "pixel_representation"), dataset.GetInt32(DicomTags.PixelRepresentation));
        Assert.Equal(Number(entry, "planar_configuration"), dataset.GetInt32(DicomTags.PlanarConfiguration));
        Assert.Equal(Text(entry, "number_of_frames") is { } frames ? int.Parse(frames) : null, dataset.GetInt32(DicomTags.NumberOfFrames));

        var pixelElement = Text(entry, "pixel_data_element") is { } keyword && DicomDictionary.TryGetTag(keyword, out var pixelTag) ? dataset.Get(pixelTag) : null;
        Assert.Equal(entry.GetProperty("has_pixel_data").GetBoolean(), pixelElement is not null);
        if (entry.TryGetProperty("encapsulated", out var encapsulated) && encapsulated.ValueKind != JsonValueKind.Null)
            Assert.Equal(encapsulated.GetBoolean(), pixelElement is DicomFragmentSequence);
    }

    [Theory]
    [MemberData(nameof(WellFormedFiles))]
    public void Frame_index_finds_every_frame(string relative)
    {
        var entry = TestData.Entry(relative);
        if (!entry.GetProperty("has_pixel_data").GetBoolean()) return;
        var file = DicomFile.Open(TestData.PathOf(relative));
        var frames = DicomFrameIndex.Compute(file.Dataset);

        var pixelData = file.Dataset.Get(new DicomTag(0x7FE0, 0x0010)) ?? file.Dataset.Get(new DicomTag(0x7FE0, 0x0008)) ?? file.Dataset.Get(new DicomTag(0x7FE0, 0x0009));
        var empty = pixelData is DicomDataElement { IsEmpty: true };
        var expected = empty ? 0 : Text(entry, "number_of_frames") is { } count ? Math.Max(1, int.Parse(count)) : 1;
        Assert.Equal(expected, frames.Count);
        // Deflated files index positions in the inflated data set, which is longer than the file.
        var length = file.TransferSyntax.IsDeflated ? long.MaxValue : new FileInfo(TestData.PathOf(relative)).Length;
        foreach (var frame in frames)
            foreach (var range in frame.Ranges)
                Assert.InRange(range.Offset + range.Length, range.Offset + 1, length);
    }

    /// <summary>
    /// For native files whose reference hash is of the stored sample layout (byte or word samples,
    /// interleaved, not 1-bit, not 4:2:2), the frames read at the indexed offsets hash to the manifest's pixel hash.
    /// </summary>
    [Theory]
    [MemberData(nameof(WellFormedFiles))]
    public void Native_frames_read_at_indexed_offsets_hash_to_the_reference(string relative)
    {
        var entry = TestData.Entry(relative);
        if (!entry.TryGetProperty("pixel", out var pixel) || !pixel.TryGetProperty("sha256", out var sha)) return;
        if (entry.TryGetProperty("encapsulated", out var encapsulated) && encapsulated.ValueKind == JsonValueKind.True) return;
        var file = DicomFile.Open(TestData.PathOf(relative));
        if (file.TransferSyntax.IsDeflated || file.TransferSyntax.IsEncapsulated) return;
        var dataset = file.Dataset;
        var bits = dataset.GetInt32(DicomTags.BitsAllocated);
        var samples = dataset.GetInt32(DicomTags.SamplesPerPixel) ?? 1;
        var planar = dataset.GetInt32(DicomTags.PlanarConfiguration) ?? 0;
        var photometric = dataset.GetString(DicomTags.PhotometricInterpretation) ?? "";
        if (bits is not (8 or 16 or 32 or 64) || (samples > 1 && planar != 0) || photometric.Contains("422")) return;

        var frames = DicomFrameIndex.Compute(dataset);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var stream = File.OpenRead(TestData.PathOf(relative));
        foreach (var frame in frames)
        {
            var range = Assert.Single(frame.Ranges);
            var bytes = new byte[range.Length];
            stream.Position = range.Offset;
            stream.ReadExactly(bytes);
            if (file.TransferSyntax.IsBigEndian) Swap(bytes, bits.Value / 8);
            hash.AppendData(bytes);
        }
        Assert.Equal(sha.GetString(), Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    [Fact]
    public void Header_parse_stops_before_pixel_data_and_records_where()
    {
        var path = TestData.PathOf("native/ct_explicit_le.dcm");
        var full = DicomFile.Open(path);
        var header = DicomFile.Open(path, new DicomReaderOptions { StopBeforePixelData = true });

        var pixel = full.Dataset.Get(new DicomTag(0x7FE0, 0x0010))!;
        Assert.False(header.Dataset.Contains(pixel.Tag));
        Assert.Equal(pixel.StreamOffset, header.StoppedAt);
        Assert.Equal(full.Dataset.Count - 1, header.Dataset.Count);
    }

    [Fact]
    public void Large_binary_values_stay_on_disk_and_load_on_demand()
    {
        var path = TestData.PathOf("native/ct_explicit_le.dcm");
        var file = DicomFile.Open(path, new DicomReaderOptions { BulkDataThreshold = 1024 });
        var pixel = Assert.IsType<DicomDataElement>(file.Dataset.Get(new DicomTag(0x7FE0, 0x0010)));

        Assert.NotNull(pixel.BulkData);
        Assert.True(pixel.Bytes.IsEmpty);
        var loaded = pixel.GetBytes();
        var raw = File.ReadAllBytes(path);
        Assert.True(raw.AsSpan((int)pixel.ValueOffset, loaded.Length).SequenceEqual(loaded.Span));
    }

    [Fact]
    public void Forward_only_stream_parses_and_records_offsets_of_skipped_values()
    {
        var path = TestData.PathOf("native/ct_explicit_le.dcm");
        var seekable = DicomFile.Open(path);
        using var forwardOnly = new ForwardOnlyStream(File.OpenRead(path));
        var file = DicomFile.Read(forwardOnly, new DicomReaderOptions { BulkDataThreshold = 1024 });

        var pixel = Assert.IsType<DicomDataElement>(file.Dataset.Get(new DicomTag(0x7FE0, 0x0010)));
        Assert.Equal(seekable.Dataset.Get(pixel.Tag)!.ValueOffset, pixel.BulkData!.Offset);
        Assert.Null(pixel.BulkData.Source);
        Assert.Equal(seekable.Dataset.GetString(DicomTags.SOPInstanceUID), file.Dataset.GetString(DicomTags.SOPInstanceUID));
    }

    [Fact]
    public void Deflated_data_set_inflates_and_keeps_its_sequence()
    {
        var file = DicomFile.Open(TestData.PathOf("native/deflated_with_sq.dcm"));
        Assert.True(file.TransferSyntax.IsDeflated);
        Assert.Contains(file.Dataset, e => e is DicomSequence { Items.Count: > 0 });
    }

    [Fact]
    public void Undefined_length_UN_is_read_as_an_implicit_VR_sequence()
    {
        var file = DicomFile.Open(TestData.PathOf("structure/ele_undefined_length_un_sq.dcm"));
        Assert.Contains(Flatten(file.Dataset), e => e is DicomSequence { Items.Count: > 0 });
    }

    private static IEnumerable<DicomElement> Flatten(DicomDataset dataset)
    {
        foreach (var element in dataset)
        {
            yield return element;
            if (element is DicomSequence sequence)
                foreach (var item in sequence.Items)
                    foreach (var nested in Flatten(item))
                        yield return nested;
        }
    }

    private static void Swap(byte[] bytes, int unit)
    {
        if (unit == 2) for (var i = 0; i + 1 < bytes.Length; i += 2) (bytes[i], bytes[i + 1]) = (bytes[i + 1], bytes[i]);
        else if (unit == 4) for (var i = 0; i + 3 < bytes.Length; i += 4) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(i)));
        else if (unit == 8) for (var i = 0; i + 7 < bytes.Length; i += 8) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i), BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i)));
    }

    private static string? Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Number(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    private static string[]? CharacterSetTerms(JsonElement entry)
    {
        if (!entry.TryGetProperty("specific_character_set", out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => [value.GetString()!],
            JsonValueKind.Array => value.EnumerateArray().Select(v => v.GetString()!).ToArray(),
            _ => null,
        };
    }

    /// <summary>A stream that cannot seek, as a network body would be.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : ReadOnlyStream
    {
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
