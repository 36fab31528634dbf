using System.Text;
using DicomWeb.Dicom;
using DicomWeb.Server.Wado;

namespace DicomWeb.Server.Tests;

/// <summary>The pieces of WADO that have edge cases of their own: range parsing, URI rewriting, frame realignment, swapping.</summary>
public sealed class WadoUnitTests
{
    [Theory]
    [InlineData("bytes=0-9", 100, "Partial", 0, 10)]
    [InlineData("bytes=90-", 100, "Partial", 90, 10)]
    [InlineData("bytes=90-500", 100, "Partial", 90, 10)]
    [InlineData("bytes=-30", 100, "Partial", 70, 30)]
    [InlineData("bytes=-300", 100, "Partial", 0, 100)]
    [InlineData("bytes=100-", 100, "Unsatisfiable", 0, 0)]
    [InlineData("bytes=-0", 100, "Unsatisfiable", 0, 0)]
    [InlineData("bytes=5-1", 100, "Whole", 0, 100)]
    [InlineData("bytes=0-1,5-6", 100, "Whole", 0, 100)]
    [InlineData("items=0-1", 100, "Whole", 0, 100)]
    [InlineData(null, 100, "Whole", 0, 100)]
    public void Range_headers_resolve_against_the_length(string? header, long length, string outcome, long start, long count)
    {
        Assert.Equal(outcome, ByteRange.Parse(header, length, out var range).ToString());
        if (outcome != "Unsatisfiable") Assert.Equal(new ByteRange(start, count), range);
    }

    [Fact]
    public async Task Bulk_data_uris_are_made_absolute_across_chunk_boundaries_and_nothing_else_changes()
    {
        var json = new StringBuilder("{");
        for (var i = 0; i < 5000; i++)
            json.Append($"\"{i:X8}\":{{\"vr\":\"OB\",\"BulkDataURI\":\"studies/1/series/2/instances/3/bulk/{i:X8}\"}},");
        // A string value that mentions the key: its quotes are escaped, so it must stay as it is.
        json.Append("\"00100010\":{\"vr\":\"LO\",\"Value\":[\"\\\"BulkDataURI\\\":\\\"studies/x\"]}}");
        var source = Encoding.UTF8.GetBytes(json.ToString());
        var output = new MemoryStream();

        await new BulkDataUriRewriter("http://h:1/root/").CopyAsync(new TrickleStream(source, 7001), output, CancellationToken.None);

        var expected = json.ToString().Replace("\"BulkDataURI\":\"studies/", "\"BulkDataURI\":\"http://h:1/root/studies/");
        Assert.Equal(expected, Encoding.UTF8.GetString(output.ToArray()));
        Assert.Contains("[\"\\\"BulkDataURI\\\":\\\"studies/x\"]", expected);
    }

    [Fact]
    public void One_bit_frames_are_shifted_to_start_on_a_byte_and_the_tail_is_cleared()
    {
        // A frame of 10 bits starting at bit 3 (LSB first): bits 3-7 of the first byte (1,0,1,1,0), then bits 0-4 of the second (1,0,0,1,1).
        byte[] packed = [0b0110_1111, 0b0111_1001, 0b1111_1111];
        var frame = FrameReader.Realign(packed, 3, 10);
        Assert.Equal([0b0010_1101, 0b0000_0011], frame);
        Assert.Equal([0b1111_0111, 0b0000_0001], FrameReader.Realign([0b1111_0111, 0b1111_1101], 0, 9));
    }

    [Theory]
    [InlineData(0, -1, 2)]
    [InlineData(3, 10, 2)]
    [InlineData(5, 7, 4)]
    [InlineData(1, -1, 8)]
    [InlineData(0, 1, 4)]
    public async Task Range_stream_swaps_words_and_windows_correctly(long start, long count, int unit)
    {
        var blob = Enumerable.Range(0, 200).Select(i => (byte)i).ToArray();
        DicomByteRange[] ranges = [new(16, 32), new(100, 48)];
        var logical = ranges.SelectMany(r =>
        {
            var bytes = blob.AsSpan((int)r.Offset, (int)r.Length).ToArray();
            for (var i = 0; i + unit <= bytes.Length; i += unit) Array.Reverse(bytes, i, unit);
            return bytes;
        }).ToArray();
        var take = count < 0 ? logical.Length - start : count;

        var stream = new BlobRangeStream(new MemoryStream(blob), ranges, unit, start, count);
        var result = new MemoryStream();
        var buffer = new byte[3];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0) result.Write(buffer, 0, n);

        Assert.Equal(logical.AsSpan((int)start, (int)take).ToArray(), result.ToArray());
    }

    [Theory]
    [InlineData("1", new[] { 1 })]
    [InlineData("3,1,2", new[] { 3, 1, 2 })]
    [InlineData("1%2C2", new[] { 1, 2 })]
    public void Frame_lists_parse(string text, int[] expected)
    {
        Assert.True(FrameList.TryParse(text, out var frames, out _));
        Assert.Equal(expected, frames);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("1,,2")]
    [InlineData("+1")]
    [InlineData("99999999999")]
    public void Bad_frame_lists_are_refused_with_a_reason(string text)
    {
        Assert.False(FrameList.TryParse(text, out _, out var reason));
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void Accept_entries_order_by_quality_then_header_order()
    {
        var list = AcceptList.Parse("a/b;q=0.5, multipart/related; type=\"Application/DICOM\"; transfer-syntax=*, c/d;q=0, e/f;q=0.5");
        Assert.Equal(["multipart/related", "a/b", "e/f"], list.Select(a => a.MediaType));
        Assert.Equal("application/dicom", list[0].PartType);
        Assert.Equal("*", list[0].TransferSyntax);
        Assert.Equal("*/*", Assert.Single(AcceptList.Parse(null)).MediaType);
    }

    /// <summary>Returns at most a few bytes per read, so that patterns straddle reads.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);
    }
}
