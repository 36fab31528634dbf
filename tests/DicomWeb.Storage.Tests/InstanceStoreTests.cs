using System.Security.Cryptography;
using System.Text.Json;
using DicomWeb.Dicom;
using DicomWeb.Dicom.Tests;
using DicomWeb.Storage.Index;
using DicomWeb.Storage.Ingest;
using Microsoft.EntityFrameworkCore;

namespace DicomWeb.Storage.Tests;

public sealed class InstanceStoreTests
{
    private const string Ct = "native/ct_explicit_le.dcm";

    [Fact]
    public async Task Whole_corpus_stores_byte_identical_with_index_rows_metadata_and_frames()
    {
        await using var storage = await StorageHarness.StartAsync();
        var stored = new Dictionary<string, string>();
        foreach (var relative in TestData.DicomPaths())
        {
            var path = TestData.PathOf(relative);
            var hash = ContentHash.Of(File.ReadAllBytes(path));
            var outcome = await storage.StoreFileAsync(path);
            var entry = TestData.Entry(relative);
            if (entry.GetProperty("preamble_DICM").GetBoolean() is false || !entry.GetProperty("has_file_meta").GetBoolean())
            {
                Assert.Equal(StoreFailureReason.CannotUnderstand, outcome.FailureReason);
                continue;
            }
            string?[] required = ["sop_class_uid", "sop_instance_uid", "study_instance_uid", "series_instance_uid"];
            if (required.Any(name => !entry.TryGetProperty(name!, out var value) || value.ValueKind != JsonValueKind.String || value.GetString() == ""))
            {
                Assert.Equal(StoreFailureReason.DataSetDoesNotMatch, outcome.FailureReason);
                Assert.Contains("is missing", outcome.Message);
                continue;
            }
            var sop = entry.GetProperty("sop_instance_uid").GetString()!;
            if (stored.TryGetValue(sop, out var firstHash) && firstHash != hash)
            {
                Assert.Equal(StoreFailureReason.DuplicateSopInstance, outcome.FailureReason);
                continue;
            }
            Assert.True(outcome.Stored, $"{relative}: {outcome.Message}");
            stored[sop] = hash;
        }

        await using var index = storage.OpenIndex();
        var rows = await index.Instances.Include(i => i.Series).ThenInclude(s => s!.Study).ToListAsync();
        Assert.Equal(stored.Count, rows.Count);
        foreach (var row in rows)
        {
            Assert.True(stored.TryGetValue(row.SopInstanceUid, out var expectedHash), $"index holds {row.SopInstanceUid}, never reported stored");
            Assert.Equal(expectedHash, row.ContentHash);
            await using (var blob = await storage.Blobs.OpenReadAsync(row.BlobKey))
            {
                var bytes = new MemoryStream();
                await blob!.CopyToAsync(bytes);
                Assert.Equal(row.ContentHash, ContentHash.Of(bytes.ToArray()));
            }
            await using (var metadata = await storage.Blobs.OpenReadAsync(row.MetadataKey))
            {
                using var json = await JsonDocument.ParseAsync(metadata!);
                Assert.Equal(row.SopInstanceUid, json.RootElement.GetProperty("00080018").GetProperty("Value")[0].GetString());
                Assert.Equal(row.Series!.Study!.StudyInstanceUid, json.RootElement.GetProperty("0020000D").GetProperty("Value")[0].GetString());
                if (json.RootElement.TryGetProperty("7FE00010", out var pixels))
                {
                    if (pixels.TryGetProperty("BulkDataURI", out var uri))
                        Assert.Equal($"studies/{row.Series.Study.StudyInstanceUid}/series/{row.Series.SeriesInstanceUid}/instances/{row.SopInstanceUid}/bulk/7FE00010", uri.GetString());
                    else if (pixels.TryGetProperty("InlineBinary", out var inline))
                        Assert.InRange(Convert.FromBase64String(inline.GetString()!).Length, 1, InstanceStore.MetadataInlineThreshold);
                }
            }
            if (row.Frames != null)
                Assert.Equal(Math.Max(1, row.NumberOfFrames ?? 1), FrameTable.Decode(row.Frames).Count);
        }
        Assert.Equal(stored.Count * 2, storage.BlobFiles().Length);
    }

    [Fact]
    public async Task Missing_SOP_Instance_UID_fails_with_a_reason_and_leaves_nothing()
    {
        await using var storage = await StorageHarness.StartAsync();
        var bytes = Rewrite(Ct, dataset => dataset.Remove(DicomTags.SOPInstanceUID));

        var outcome = await storage.Store.StoreAsync(new MemoryStream(bytes), null);

        Assert.Equal(StoreFailureReason.DataSetDoesNotMatch, outcome.FailureReason);
        Assert.Contains("SOP Instance UID is missing", outcome.Message);
        await AssertEmpty(storage);
    }

    [Fact]
    public async Task Invalid_UID_is_rejected_before_it_reaches_a_path()
    {
        await using var storage = await StorageHarness.StartAsync();
        var bytes = Rewrite(Ct, dataset => dataset.SetStrings(DicomTags.SeriesInstanceUID, DicomVR.UI, "../../etc/passwd"));

        var outcome = await storage.Store.StoreAsync(new MemoryStream(bytes), null);

        Assert.Equal(StoreFailureReason.DataSetDoesNotMatch, outcome.FailureReason);
        Assert.Contains("not a valid UID", outcome.Message);
        await AssertEmpty(storage);
    }

    [Theory]
    [InlineData("not DICOM at all, but long enough to look like something")]
    [InlineData("")]
    public async Task Bytes_that_are_not_DICOM_fail_as_cannot_understand(string text)
    {
        await using var storage = await StorageHarness.StartAsync();
        var outcome = await storage.Store.StoreAsync(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(text)), null);
        Assert.Equal(StoreFailureReason.CannotUnderstand, outcome.FailureReason);
        await AssertEmpty(storage);
    }

    [Fact]
    public async Task A_bare_data_set_without_DICM_is_not_a_Part_10_file()
    {
        await using var storage = await StorageHarness.StartAsync();
        var outcome = await storage.StoreFileAsync(TestData.PathOf("structure/ot_no_meta.dcm"));
        Assert.Equal(StoreFailureReason.CannotUnderstand, outcome.FailureReason);
        Assert.Contains("Part 10", outcome.Message);
    }

    [Fact]
    public async Task Instance_of_another_study_than_required_fails()
    {
        await using var storage = await StorageHarness.StartAsync();
        var outcome = await storage.StoreFileAsync(TestData.PathOf(Ct), requiredStudy: "1.2.3.4");
        Assert.Equal(StoreFailureReason.DataSetDoesNotMatch, outcome.FailureReason);
        Assert.Contains("does not match the study 1.2.3.4", outcome.Message);
        await AssertEmpty(storage);
    }

    [Fact]
    public async Task An_instance_an_earlier_version_stored_with_a_SHA_256_is_recognised_when_sent_again()
    {
        await using var storage = await StorageHarness.StartAsync();
        var path = TestData.PathOf(Ct);
        Assert.True((await storage.StoreFileAsync(path)).Stored);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        await using (var index = storage.OpenIndex())
            await index.Instances.ExecuteUpdateAsync(u => u.SetProperty(i => i.ContentHash, sha256));

        var again = await storage.StoreFileAsync(path);

        Assert.True(again.Stored, again.Message);
        Assert.Contains(again.Warnings, w => w.Contains("already stored"));
        await using var after = storage.OpenIndex();
        Assert.Equal(sha256, (await after.Instances.SingleAsync()).ContentHash);
        Assert.Equal(2, storage.BlobFiles().Length);
    }

    [Fact]
    public async Task Identical_instance_stored_twice_is_kept_once()
    {
        await using var storage = await StorageHarness.StartAsync();
        Assert.True((await storage.StoreFileAsync(TestData.PathOf(Ct))).Stored);
        var again = await storage.StoreFileAsync(TestData.PathOf(Ct));

        Assert.True(again.Stored);
        Assert.Contains(again.Warnings, w => w.Contains("already stored"));
        await using var index = storage.OpenIndex();
        Assert.Equal(1, await index.Instances.CountAsync());
        Assert.Equal(2, storage.BlobFiles().Length);
    }

    [Fact]
    public async Task Different_content_under_a_stored_UID_is_rejected_by_default_and_replaced_when_configured()
    {
        var changed = Rewrite(Ct, dataset => dataset.SetStrings(DicomTags.StudyDescription, DicomVR.LO, "CHANGED"));

        await using (var rejecting = await StorageHarness.StartAsync())
        {
            await rejecting.StoreFileAsync(TestData.PathOf(Ct));
            var outcome = await rejecting.Store.StoreAsync(new MemoryStream(changed), null);
            Assert.Equal(StoreFailureReason.DuplicateSopInstance, outcome.FailureReason);
            Assert.Equal(2, rejecting.BlobFiles().Length);
        }

        await using var replacing = await StorageHarness.StartAsync(DuplicatePolicy.Replace);
        await replacing.StoreFileAsync(TestData.PathOf(Ct));
        var replaced = await replacing.Store.StoreAsync(new MemoryStream(changed), null);
        Assert.True(replaced.Stored, replaced.Message);
        await using var index = replacing.OpenIndex();
        var row = await index.Instances.SingleAsync();
        Assert.Equal(ContentHash.Of(changed), row.ContentHash);
        Assert.Equal(2, replacing.BlobFiles().Length);
        await using var blob = await replacing.Blobs.OpenReadAsync(row.BlobKey);
        using var copy = new MemoryStream();
        await blob!.CopyToAsync(copy);
        Assert.Equal(changed, copy.ToArray());
    }

    [Fact]
    public async Task A_fault_between_blob_write_and_index_commit_leaves_no_orphan()
    {
        await using var storage = await StorageHarness.StartAsync();
        storage.Store.BeforeIndexCommit = () => throw new IOException("injected fault");

        await Assert.ThrowsAsync<IOException>(() => storage.StoreFileAsync(TestData.PathOf(Ct)));

        storage.Store.BeforeIndexCommit = null;
        await AssertEmpty(storage);
        Assert.Equal(0, storage.Journal.OpenEntries);
        Assert.True((await storage.StoreFileAsync(TestData.PathOf(Ct))).Stored);
    }

    [Fact]
    public async Task Restart_after_a_crash_mid_store_deletes_uncommitted_blobs_and_keeps_committed_ones()
    {
        await using var storage = await StorageHarness.StartAsync();
        Assert.True((await storage.StoreFileAsync(TestData.PathOf(Ct))).Stored);
        var committed = storage.BlobFiles();
        // The state a kill -9 leaves between moving blobs into place and committing the index:
        // a journal entry naming the new blobs, the blobs in place, no index row, and a staged part.
        var keys = new[] { "1.2.3/4.5.6/7.8.9.0123456789abcdef0123456789abcdef.dcm", "1.2.3/4.5.6/7.8.9.0123456789abcdef0123456789abcdef.json" };
        storage.Journal.Begin(keys);
        foreach (var key in keys) await storage.Blobs.PutAsync(key, new MemoryStream([1, 2, 3]));
        await File.WriteAllBytesAsync(Path.Combine(storage.Root, "staging", "leftover.dcm"), [1, 2, 3]);

        await storage.RestartAsync();

        Assert.Equal(committed, storage.BlobFiles());
        Assert.Empty(Directory.GetFiles(storage.Journal.Folder));
        Assert.Empty(Directory.GetFiles(Path.Combine(storage.Root, "staging")));
    }

    [Fact]
    public async Task Eight_clients_storing_the_same_study_at_once_store_each_instance_once()
    {
        await using var storage = await StorageHarness.StartAsync();
        var files = new[] { "multiframe/enhanced_mr.dcm", "multiframe/enhanced_mr_jls.dcm", "multiframe/enhanced_mr_rle.dcm", Ct }
            .Select(TestData.PathOf).ToArray();
        var sameStudy = files.Select(f => Rewrite(f, d => d.SetStrings(DicomTags.StudyInstanceUID, DicomVR.UI, "1.2.826.0.1.3680043.2.1125.1")))
            .Select((bytes, i) => Rewrite(bytes, d => d.SetStrings(DicomTags.SOPInstanceUID, DicomVR.UI, $"1.2.826.0.1.3680043.2.1125.1.{i + 1}")))
            .ToArray();

        var clients = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            var outcomes = new List<StoreOutcome>();
            foreach (var bytes in sameStudy) outcomes.Add(await storage.Store.StoreAsync(new MemoryStream(bytes), null));
            return outcomes;
        }));
        var all = (await Task.WhenAll(clients)).SelectMany(o => o).ToList();

        Assert.All(all, o => Assert.True(o.Stored, o.Message));
        await using var index = storage.OpenIndex();
        Assert.Equal(sameStudy.Length, await index.Instances.CountAsync());
        Assert.Equal(1, await index.Studies.CountAsync());
        Assert.Equal(sameStudy.Length * 2, storage.BlobFiles().Length);
    }

    [Fact]
    public async Task A_stream_that_fails_midway_leaves_nothing_staged()
    {
        await using var storage = await StorageHarness.StartAsync();
        var bytes = await File.ReadAllBytesAsync(TestData.PathOf(Ct));

        await Assert.ThrowsAsync<IOException>(() => storage.Store.StoreAsync(new FailingStream(bytes, failAfter: 100_000), null));

        Assert.Empty(Directory.GetFiles(Path.Combine(storage.Root, "staging")));
        await AssertEmpty(storage);
    }

    private static async Task AssertEmpty(StorageHarness storage)
    {
        Assert.Empty(storage.BlobFiles());
        await using var index = storage.OpenIndex();
        Assert.Equal(0, await index.Instances.CountAsync());
    }

    private static byte[] Rewrite(string relative, Action<DicomDataset> change) => Rewrite(File.ReadAllBytes(TestData.PathOf(relative)), change);

    private static byte[] Rewrite(byte[] bytes, Action<DicomDataset> change)
    {
        var file = DicomFile.Read(new MemoryStream(bytes));
        change(file.Dataset);
        var output = new MemoryStream();
        DicomFileWriter.Write(output, file);
        return output.ToArray();
    }

    /// <summary>A body that delivers its first bytes, then fails as a dropped connection does.</summary>
    private sealed class FailingStream(byte[] data, int failAfter) : ReadOnlyStream
    {
        private int _position;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override int Read(Span<byte> buffer)
        {
            if (_position >= failAfter) throw new IOException("connection reset");
            var n = Math.Min(buffer.Length, Math.Min(failAfter, data.Length) - _position);
            data.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));
    }
}
