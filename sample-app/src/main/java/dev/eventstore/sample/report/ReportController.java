package dev.eventstore.sample.report;

import java.util.List;

import dev.eventstore.spring.boot.processor.EventProcessors;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class ReportController {

	private final SkuTotals skuTotals;

	private final EventProcessors processors;

	ReportController(SkuTotals skuTotals, EventProcessors processors) {
		this.skuTotals = skuTotals;
		this.processors = processors;
	}

	/**
	 * The report as of a position in the log: it includes at least the events up to it.
	 */
	record Report(long asOfPosition, List<SkuTotals.Totals> skus) {
	}

	@GetMapping("/reports/sku-totals")
	Report skuTotals() {
		// The position first: totals read after it include at least that much.
		long asOf = this.processors.find("sku-totals").orElseThrow().status().checkpoint();
		return new Report(asOf, this.skuTotals.totals());
	}

}
