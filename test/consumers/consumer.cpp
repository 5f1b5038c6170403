// The same as consumer.c from C++17, with the handles in unique_ptr so the
// header's C API is used the way a C++ program would.
#include <aae/aae.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct model_deleter {
    void operator()(aae_model *m) const { aae_model_free(m); }
};
struct builder_deleter {
    void operator()(aae_builder *b) const { aae_builder_free(b); }
};

void check(aae_status st, const char *what)
{
    if (st != AAE_OK)
        throw std::runtime_error(std::string(what) + ": " + aae_last_error() + " (" + aae_status_name(st) + ")");
}

}  // namespace

int main()
{
    try {
        constexpr std::size_t rows = 32, width = 8;
        std::vector<float> x(rows * width), z(rows * 2);
        for (std::size_t i = 0; i < x.size(); i++) x[i] = static_cast<float>((i * 7919) % 13) / 13.0f;
        aae_builder *raw_builder = nullptr;
        check(aae_builder_create(&raw_builder, AAE_PRESET_VAE), "aae_builder_create");
        std::unique_ptr<aae_builder, builder_deleter> builder(raw_builder);
        check(aae_builder_set(builder.get(), AAE_OPTION_INPUT_WIDTH, width), "aae_builder_set");
        check(aae_builder_set(builder.get(), AAE_OPTION_Z_WIDTH, 2), "aae_builder_set");
        aae_model *raw_model = nullptr;
        check(aae_builder_build(builder.get(), &raw_model), "aae_builder_build");
        std::unique_ptr<aae_model, model_deleter> model(raw_model);
        for (std::uint64_t step = 0; step < 5; step++)
            check(aae_model_train_step(model.get(), x.data(), nullptr, rows, nullptr, nullptr, 0, step, nullptr),
                  "aae_model_train_step");
        check(aae_model_encode(model.get(), x.data(), rows, z.data(), nullptr, nullptr, 0), "aae_model_encode");
        for (float v : z)
            if (!std::isfinite(v)) throw std::runtime_error("a code is not finite");
        std::printf("consumer (C++17): libaae %s, %zu rows encoded\n", aae_version_string(), rows);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "consumer: %s\n", e.what());
        return 1;
    }
    return 0;
}
