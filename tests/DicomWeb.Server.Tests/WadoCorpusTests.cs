using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using DicomWeb.Dicom;
using DicomWeb.Dicom.Tests;

namespace DicomWeb.Server.Tests;

/// <summary>WADO-RS over real HTTP against the whole stored corpus: instances, series, studies, ZIP, frames, metadata, bulk data.</summary>
public sealed class WadoCorpusTests(WadoCorpusFixture corpus) : IClassFixture<WadoCorpusFixture>
{
    private const string AsStoredDicom = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";

    public static TheoryData<string> Files => TestData.Cases(TestData.DicomPaths());

    [Fact]
    public void Every_file_with_meta_information_and_UIDs_is_stored()
    {
        var storable = TestData.DicomPaths().Where(p =>
        {
            var entry = TestData.Entry(p);
            return entry.GetProperty("preamble_DICM").GetBoolean() && entry.GetProperty("has_file_meta").GetBoolean() &&
                   new[] { "sop_instance_uid", "study_instance_uid", "series_instance_uid", "sop_class_uid" }.All(n => !string.IsNullOrEmpty(WadoCorpusFixture.Text(entry, n)));
        }).ToList();
        Assert.NotEmpty(storable);
        Assert.All(storable, p => Assert.True(corpus.Stored.ContainsKey(p), $"{p} was not stored"));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Instance_alone_is_byte_identical_multipart_and_single_part(string path)
    {
        if (!corpus.Stored.TryGetValue(path, out var file)) return;
        var client = file.Server.Client;

        var multipart = await client.GetAsync(file.InstanceUrl, AsStoredDicom);
        Assert.Equal(HttpStatusCode.OK, multipart.StatusCode);
        var part = Assert.Single(await WadoClient.ReadPartsAsync(multipart));
        Assert.Equal(file.Sha256, part.Sha256);
        Assert.StartsWith("application/dicom", part.ContentType);
        Assert.EndsWith(file.InstanceUrl, part.ContentLocation);

        var single = await client.GetAsync(file.InstanceUrl, "application/dicom; transfer-syntax=*");
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        var bytes = await single.Content.ReadAsByteArrayAsync();
        Assert.Equal(file.Sha256, WadoClient.Sha256(bytes));
        // The strong entity tag of the stored bytes is their content hash.
        Assert.Equal($"\"{DicomWeb.Storage.Ingest.ContentHash.Of(bytes)}\"", single.Headers.ETag!.Tag);
    }

    [Fact]
    public async Task Every_series_and_study_multipart_and_zip_hold_exactly_the_stored_files()
    {
        foreach (var server in corpus.Servers)
        {
            var files = corpus.Stored.Values.Where(f => f.Server == server).ToList();
            foreach (var series in files.GroupBy(f => f.SeriesUrl))
            {
                var parts = await WadoClient.ReadPartsAsync(await server.Client.GetAsync(series.Key, AsStoredDicom));
                Assert.Equal(series.Select(f => f.Sha256).Order(), parts.Select(p => p.Sha256).Order());
            }
            foreach (var study in files.GroupBy(f => f.StudyUrl))
            {
                var expected = study.Select(f => f.Sha256).Order().ToList();
                var response = await server.Client.GetAsync(study.Key, AsStoredDicom);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal(expected, (await WadoClient.ReadPartsAsync(response)).Select(p => p.Sha256).Order());

                var zip = await server.Client.GetAsync(study.Key, "application/zip; transfer-syntax=*");
                Assert.Equal(HttpStatusCode.OK, zip.StatusCode);
                Assert.Equal("application/zip", zip.Content.Headers.ContentType!.MediaType);
                using var archive = new ZipArchive(new MemoryStream(await zip.Content.ReadAsByteArrayAsync()));
                var entries = archive.Entries.Select(e =>
                {
                    using var stream = e.Open();
                    var bytes = new MemoryStream();
                    stream.CopyTo(bytes);
                    return WadoClient.Sha256(bytes.ToArray());
                }).Order().ToList();
                Assert.Equal(expected, entries);
                Assert.All(archive.Entries, e => Assert.EndsWith(".dcm", e.FullName));

                var metadata = await server.Client.GetAsync(study.Key + "/metadata", null);
                Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
                using var json = JsonDocument.Parse(await metadata.Content.ReadAsStringAsync());
                Assert.Equal(expected.Count, json.RootElement.GetArrayLength());
            }
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Every_frame_has_the_right_bytes(string path)
    {
        if (!corpus.Stored.TryGetValue(path, out var file)) return;
        var expected = ExpectedFrames(path, out var syntax);
        if (expected == null) return;
        var list = string.Join(',', Enumerable.Range(1, expected.Count));
        var type = !syntax.IsEncapsulated ? "application/octet-stream" : syntax.MediaType;
        var accept = type == null ? "multipart/related; transfer-syntax=*" : $"multipart/related; type=\"{type}\"";

        var response = await file.Server.Client.GetAsync($"{file.InstanceUrl}/frames/{list}", accept);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var parts = await WadoClient.ReadPartsAsync(response);
        Assert.Equal(expected.Count, parts.Count);
        for (var i = 0; i < parts.Count; i++)
        {
            Assert.True(expected[i].AsSpan().SequenceEqual(parts[i].Body), $"frame {i + 1} of {path} differs ({parts[i].Body.Length} bytes, expected {expected[i].Length})");
            Assert.EndsWith($"/frames/{i + 1}", parts[i].ContentLocation);
            Assert.Contains("transfer-syntax=", parts[i].ContentType);
        }

        if (HashableNative(path) is { } referenceHash)
            Assert.Equal(referenceHash, WadoClient.Sha256(parts.SelectMany(p => p.Body).ToArray()));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Metadata_equals_the_DICOM_JSON_of_the_stored_file(string path)
    {
        if (!corpus.Stored.TryGetValue(path, out var file)) return;
        var response = await file.Server.Client.GetAsync(file.InstanceUrl + "/metadata", "application/dicom+json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType!.MediaType);
        var actual = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();

        var expected = JsonNode.Parse(ExpectedJson(file));
        Assert.True(JsonNode.DeepEquals(expected, Assert.Single(actual)), $"metadata of {path} differs from the DICOM JSON of the file");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Every_bulk_data_uri_resolves_and_ranges_return_the_right_slice(string path)
    {
        if (!corpus.Stored.TryGetValue(path, out var file)) return;
        var metadata = await file.Server.Client.GetAsync(file.InstanceUrl + "/metadata", null);
        var uris = new List<string>();
        CollectBulkDataUris(JsonNode.Parse(await metadata.Content.ReadAsStringAsync()), uris);
        var source = DicomFile.Open(TestData.PathOf(path), new DicomReaderOptions { BulkDataThreshold = 1024 });
        source.Dataset.ResolveUnknownVRs();

        foreach (var uri in uris)
        {
            Assert.StartsWith(file.Server.Client.BaseAddress + "dicom-web" + file.InstanceUrl["/dicom-web".Length..] + "/bulk/", uri);
            var element = Walk(source.Dataset, uri[(uri.IndexOf("/bulk/", StringComparison.Ordinal) + 6)..]);
            if (element is DicomFragmentSequence fragments)
            {
                var framed = await file.Server.Client.GetAsync(uri, "multipart/related; transfer-syntax=*");
                Assert.Equal(HttpStatusCode.OK, framed.StatusCode);
                var parts = await WadoClient.ReadPartsAsync(framed);
                Assert.Equal(fragments.Fragments.Sum(f => f.Length), parts.Sum(p => (long)p.Body.Length));
                if (ExpectedFrames(path, out _) is { } frames && ReferenceEquals(element, source.Dataset.Get(DicomTags.PixelData)))
                    Assert.Equal(frames.Select(WadoClient.Sha256), parts.Select(p => p.Sha256));
                continue;
            }
            var value = ((DicomDataElement)element).GetBytes().ToArray();
            var whole = await file.Server.Client.GetAsync(uri, "application/octet-stream");
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            var body = await whole.Content.ReadAsByteArrayAsync();
            Assert.Equal(value.Length, body.Length);
            Assert.True(value.AsSpan().SequenceEqual(body), $"{uri} of {path} differs from the value");

            var start = value.Length / 3;
            var end = Math.Max(start, value.Length / 2);
            var partial = await file.Server.Client.GetAsync(uri, "application/octet-stream", ("Range", $"bytes={start}-{end}"));
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal($"bytes {start}-{end}/{value.Length}", partial.Content.Headers.ContentRange!.ToString());
            var slice = await partial.Content.ReadAsByteArrayAsync();
            Assert.True(value.AsSpan(start, end - start + 1).SequenceEqual(slice), $"range of {uri} of {path} differs");
        }
    }

    /// <summary>The DICOM JSON a server should hand out for a file: the ingest's header parse, BulkDataURIs absolute.</summary>
    private static string ExpectedJson(StoredFile file)
    {
        var source = DicomFile.Open(TestData.PathOf(file.Path), new DicomReaderOptions { BulkDataThreshold = 1024 });
        source.Dataset.ResolveUnknownVRs();
        var prefix = $"{file.Server.Client.BaseAddress}dicom-web/studies/{file.Study}/series/{file.Series}/instances/{file.Sop}/bulk/";
        return DicomJsonWriter.ToJson(source.Dataset, new DicomJsonWriterOptions
        {
            BulkData = new DicomBulkDataPolicy { UriFactory = context => prefix + context.PathString, InlineThreshold = 256 },
        });
    }

    private static void CollectBulkDataUris(JsonNode? node, List<string> uris)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (name == "BulkDataURI") uris.Add(value!.GetValue<string>());
                    else CollectBulkDataUris(value, uris);
                }
                break;
            case JsonArray array:
                foreach (var item in array) CollectBulkDataUris(item, uris);
                break;
        }
    }

    private static DicomElement Walk(DicomDataset dataset, string path)
    {
        var parts = path.Split('/');
        for (var i = 0; i + 1 < parts.Length; i += 2)
            dataset = ((DicomSequence)dataset.Get(Tag(parts[i]))!).Items[int.Parse(parts[i + 1])];
        return dataset.Get(Tag(parts[^1]))!;
    }

    private static DicomTag Tag(string hex) => new(Convert.ToUInt32(hex, 16));

    /// <summary>
    /// Frames computed from the source file independently of the server's frame index: native frames cut from the pixel
    /// value by Rows × Columns × Samples × Bits (little endian; 1-bit frames repacked to start on a byte), encapsulated
    /// frames as their fragments concatenated, grouped by count, offset table or codestream start markers.
    /// </summary>
    private static List<byte[]>? ExpectedFrames(string path, out DicomTransferSyntax syntax)
    {
        var file = DicomFile.Open(TestData.PathOf(path));
        syntax = file.TransferSyntax;
        var dataset = file.Dataset;
        var pixel = dataset.Get(DicomTags.PixelData) ?? dataset.Get(DicomTags.FloatPixelData) ?? dataset.Get(DicomTags.DoubleFloatPixelData);
        var count = Math.Max(1, dataset.GetInt32(DicomTags.NumberOfFrames) ?? 1);
        if (pixel is DicomFragmentSequence encapsulated) return GroupFragments(encapsulated, count);
        if (pixel is not DicomDataElement native || native.IsEmpty) return null;

        long rows = dataset.GetInt32(DicomTags.Rows)!.Value, columns = dataset.GetInt32(DicomTags.Columns)!.Value;
        long samples = dataset.GetInt32(DicomTags.SamplesPerPixel) ?? 1;
        if (samples == 3 && (dataset.GetString(DicomTags.PhotometricInterpretation) ?? "").Contains("422")) samples = 2;
        var bits = pixel.Tag == DicomTags.FloatPixelData ? 32 : pixel.Tag == DicomTags.DoubleFloatPixelData ? 64 : dataset.GetInt32(DicomTags.BitsAllocated)!.Value;
        byte[] raw;
        if (syntax.IsDeflated) raw = native.GetBytes().ToArray();
        else
        {
            // The bytes as stored, swapped here by sample size for big endian (as pixel values are read).
            raw = File.ReadAllBytes(TestData.PathOf(path)).AsSpan((int)native.ValueOffset, (int)native.SourceLength).ToArray();
            if (syntax.IsBigEndian && bits >= 16) Swap(raw, bits / 8);
        }
        var frameBits = rows * columns * samples * bits;
        var frames = new List<byte[]>();
        for (var f = 0; f < count; f++)
        {
            if (bits % 8 == 0)
            {
                frames.Add(raw.AsSpan((int)(f * frameBits / 8), (int)(frameBits / 8)).ToArray());
                continue;
            }
            var frame = new byte[(frameBits + 7) / 8];
            for (long b = 0; b < frameBits; b++)
            {
                var at = f * frameBits + b;
                if ((raw[at / 8] >> (int)(at % 8) & 1) != 0) frame[b / 8] |= (byte)(1 << (int)(b % 8));
            }
            frames.Add(frame);
        }
        return frames;
    }

    private static List<byte[]> GroupFragments(DicomFragmentSequence sequence, int frames)
    {
        var fragments = sequence.Fragments.Select(f => f.GetBytes().ToArray()).ToList();
        var groups = new List<List<byte[]>>();
        if (frames == 1) groups.Add(fragments);
        else if (fragments.Count == frames) groups.AddRange(fragments.Select(f => new List<byte[]> { f }));
        else if (sequence.BasicOffsetTable.Length == frames)
        {
            long position = 0;
            var starts = fragments.Select(f => { var s = position; position += 8 + f.Length; return s; }).ToList();
            for (var i = 0; i < frames; i++)
            {
                var end = i + 1 < frames ? sequence.BasicOffsetTable[i + 1] : long.MaxValue;
                groups.Add(fragments.Where((_, k) => starts[k] >= sequence.BasicOffsetTable[i] && starts[k] < end).ToList());
            }
        }
        else
        {
            foreach (var fragment in fragments)
            {
                var start = fragment.Length >= 4 && ((fragment[0] == 0xFF && fragment[1] == 0xD8) || (fragment[0] == 0xFF && fragment[1] == 0x4F) ||
                                                     (fragment[0] == 0 && fragment[1] == 0 && fragment[2] == 0 && fragment[3] == 0x0C));
                if (start || groups.Count == 0) groups.Add([]);
                groups[^1].Add(fragment);
            }
        }
        return groups.Select(g => g.SelectMany(b => b).ToArray()).ToList();
    }

    /// <summary>The manifest's pixel hash when it is a hash of the stored sample layout (as in the reader's corpus test).</summary>
    private static string? HashableNative(string path)
    {
        var entry = TestData.Entry(path);
        if (!entry.TryGetProperty("pixel", out var pixel) || !pixel.TryGetProperty("sha256", out var sha)) return null;
        var file = DicomFile.Open(TestData.PathOf(path), new DicomReaderOptions { StopBeforePixelData = true });
        if (file.TransferSyntax.IsEncapsulated) return null;
        var dataset = file.Dataset;
        var bits = dataset.GetInt32(DicomTags.BitsAllocated);
        var samples = dataset.GetInt32(DicomTags.SamplesPerPixel) ?? 1;
        var planar = dataset.GetInt32(DicomTags.PlanarConfiguration) ?? 0;
        var photometric = dataset.GetString(DicomTags.PhotometricInterpretation) ?? "";
        if (bits is not (8 or 16 or 32 or 64) || (samples > 1 && planar != 0) || photometric.Contains("422")) return null;
        return sha.GetString();
    }

    private static void Swap(byte[] bytes, int unit)
    {
        if (unit == 2) for (var i = 0; i + 1 < bytes.Length; i += 2) (bytes[i], bytes[i + 1]) = (bytes[i + 1], bytes[i]);
        else if (unit == 4) for (var i = 0; i + 3 < bytes.Length; i += 4) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i), BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(i)));
        else if (unit == 8) for (var i = 0; i + 7 < bytes.Length; i += 8) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i), BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(i)));
    }
}
