namespace DicomWeb.Dicom.Tests.IO;

/// <summary>
/// Bounded, seeded mutation fuzzing of corpus files: truncations, flipped bytes, corrupted lengths and VRs.
/// The reader must only ever return a data set or throw <see cref="DicomParseException"/>.
/// </summary>
public sealed class ReaderFuzzTests
{
    private const int CasesPerSeed = 600;
    private const int MaxSeedBytes = 1 << 20;

    public static TheoryData<string> Seeds => TestData.Cases(
    [
        "native/ct_explicit_le.dcm", "native/ct_implicit_le.dcm", "native/ct_explicit_be.dcm", "native/deflated_with_sq.dcm",
        "structure/undef_len_small.dcm", "structure/private_sq_small_a.dcm", "structure/ele_undefined_length_un_sq.dcm",
        "jpeg-ls/ct1_fragmented_bot.dcm", "charset/jp_2022_ir13_ir87.dcm", "multiframe/enhanced_ct_jpeg51_frag_nobot.dcm", "multiframe/enhanced_mr.dcm",
    ]);

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Mutated_files_parse_or_fail_with_a_parse_exception(string relative)
    {
        var original = File.ReadAllBytes(TestData.PathOf(relative));
        Assert.True(original.Length <= MaxSeedBytes, "seeds stay small so that thousands of cases run in seconds");
        var random = new Random(relative.GetHashCode(StringComparison.Ordinal) ^ 20261125);
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < CasesPerSeed; i++)
        {
            var mutated = Mutate(original, random);
            object outcome;
            try
            {
                outcome = MalformedInputTests.ParseAndWalk(mutated, forwardOnly: i % 2 == 1);
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} of {relative}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
                throw;
            }
            var kind = outcome.GetType().Name;
            outcomes[kind] = outcomes.GetValueOrDefault(kind) + 1;
        }
        // Both outcomes occur: the mutations are neither all harmless nor all fatal.
        Assert.True(outcomes.GetValueOrDefault(nameof(DicomParseException)) > 0, string.Join(", ", outcomes));
        Assert.True(outcomes.GetValueOrDefault(nameof(DicomFile)) > 0, string.Join(", ", outcomes));
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var data = (byte[])original.Clone();
        switch (random.Next(5))
        {
            case 0:
                return data[..random.Next(data.Length)];
            case 1:
                for (var n = random.Next(1, 8); n > 0; n--) data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                return data;
            case 2:
            {
                // A length field: overwrite 4 bytes at a random even offset with a large or odd value.
                var at = random.Next(data.Length - 4) & ~1;
                uint[] lies = [0xFFFFFFFF, 0xFFFFFFF0, 0x7FFFFFFF, 0x00010001, (uint)random.Next(), 3];
                BitConverter.TryWriteBytes(data.AsSpan(at), lies[random.Next(lies.Length)]);
                return data;
            }
            case 3:
            {
                // A VR: replace two letters somewhere with another VR or garbage.
                var at = random.Next(data.Length - 2);
                string[] vrs = ["SQ", "UN", "OB", "UT", "  ", "\0\0", "ZZ", "OW"];
                var vr = vrs[random.Next(vrs.Length)];
                data[at] = (byte)vr[0];
                data[at + 1] = (byte)vr[1];
                return data;
            }
            default:
            {
                // Splice: duplicate or delete a run of bytes.
                var start = random.Next(data.Length);
                var length = random.Next(1, Math.Min(64, data.Length - start) + 1);
                return random.Next(2) == 0
                    ? [.. data[..start], .. data[start..(start + length)], .. data[start..]]
                    : [.. data[..start], .. data[(start + length)..]];
            }
        }
    }
}
